import { JetStreamEventStore } from '@agentos/event-store';
import { JetStreamClientProxy, type NatsConnector } from '@agentos/messaging';
import { Module } from '@nestjs/common';
import { EVENT_STORE, IntentHandlers } from './intent.handlers';

@Module({
  controllers: [IntentHandlers],
  providers: [
    {
      provide: EVENT_STORE,
      // The embedded default: the event store lives in JetStream, on the service's own connection.
      useFactory: (bus: JetStreamClientProxy) => new JetStreamEventStore(bus.unwrap<NatsConnector>()),
      inject: [JetStreamClientProxy],
    },
  ],
})
export class OrchestratorModule {}

export const orchestratorService = { name: 'orchestrator', module: OrchestratorModule };
