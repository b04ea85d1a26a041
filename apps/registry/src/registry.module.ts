import { JetStreamClientProxy, type NatsConnector } from '@agentos/messaging';
import { Module } from '@nestjs/common';
import { AgentCatalogue } from './agent-catalogue';
import { AgentClaims } from './agent-claims';
import { LivenessSweeper } from './liveness.sweeper';
import { registryBucket } from './registry-bucket';
import { RegistryHandlers } from './registry.handlers';
import { registrySettings } from './registry.settings';

const connectorOf = (bus: JetStreamClientProxy) => bus.unwrap<NatsConnector>();

@Module({
  controllers: [RegistryHandlers],
  providers: [
    { provide: AgentCatalogue, useFactory: (bus: JetStreamClientProxy) => new AgentCatalogue(connectorOf(bus)), inject: [JetStreamClientProxy] },
    { provide: AgentClaims, useFactory: (bus: JetStreamClientProxy) => new AgentClaims(() => registryBucket(connectorOf(bus))), inject: [JetStreamClientProxy] },
    LivenessSweeper,
  ],
})
export class RegistryModule {}

export const registryService = { name: 'registry', module: RegistryModule, settings: registrySettings };
