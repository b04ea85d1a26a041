import { JetStreamClientProxy, type NatsConnector } from '@agentos/messaging';
import { Module } from '@nestjs/common';
import { AgentCatalogue } from './agent-catalogue';
import { LivenessSweeper } from './liveness.sweeper';
import { RegistryHandlers } from './registry.handlers';

@Module({
  controllers: [RegistryHandlers],
  providers: [{ provide: AgentCatalogue, useFactory: (bus: JetStreamClientProxy) => new AgentCatalogue(bus.unwrap<NatsConnector>()), inject: [JetStreamClientProxy] }, LivenessSweeper],
})
export class RegistryModule {}

export const registryService = { name: 'registry', module: RegistryModule };
