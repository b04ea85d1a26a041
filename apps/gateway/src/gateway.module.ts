import { EVENT_STORE, eventStoreFromEnv } from '@agentos/event-store';
import { Module, type DynamicModule } from '@nestjs/common';
import { PrincipalBus } from './access/principal-bus';
import { GatewayContext } from './gateway-context';
import { Idempotency } from './http/idempotency';
import { AgentsController } from './routes/agents.controller';
import { HealthController } from './routes/health.controller';
import { PolicyController } from './routes/policy.controller';
import { RunActionsController } from './routes/run-actions.controller';
import { RunEventsController } from './routes/run-events.controller';
import { RunsController } from './routes/runs.controller';
import { SubmitController } from './routes/submit.controller';
import { RunReader } from './runs/run-reader';

@Module({})
export class GatewayModule {
  static with(context: GatewayContext, env: NodeJS.ProcessEnv): DynamicModule {
    return {
      module: GatewayModule,
      controllers: [HealthController, SubmitController, RunsController, RunEventsController, RunActionsController, AgentsController, PolicyController],
      providers: [
        { provide: GatewayContext, useValue: context },
        // EventStoreDB when ESDB_URL is set, else the embedded JetStream store, read on the gateway's own connection.
        { provide: EVENT_STORE, useFactory: () => eventStoreFromEnv(env, context.connector) },
        PrincipalBus,
        Idempotency,
        RunReader,
      ],
    };
  }
}
