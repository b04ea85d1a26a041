import { causedBy, type MessageOf, type ReplyOf } from '@agentos/contracts';
import { EVENT_STORE, type EventStore } from '@agentos/event-store';
import { JetStreamClientProxy } from '@agentos/messaging';
import { ServiceContext } from '@agentos/service-host';
import { Controller, Inject } from '@nestjs/common';
import { EventPattern, MessagePattern, Payload } from '@nestjs/microservices';
import { AgentCatalogue } from './agent-catalogue';
import { LivenessSweeper } from './liveness.sweeper';

/** Owners allowed to register agents: AGENTOS_REGISTRY_OWNERS, comma-separated; `*` allows all. */
export const allowedOwners = (env: NodeJS.ProcessEnv): string[] =>
  (env.AGENTOS_REGISTRY_OWNERS ?? '*').split(',').map((owner) => owner.trim()).filter(Boolean);

@Controller()
export class RegistryHandlers {
  private readonly owners: string[];

  constructor(
    private readonly bus: JetStreamClientProxy,
    private readonly catalogue: AgentCatalogue,
    private readonly liveness: LivenessSweeper,
    @Inject(EVENT_STORE) private readonly store: EventStore,
    private readonly service: ServiceContext,
  ) {
    this.owners = allowedOwners(service.env);
  }

  @EventPattern('RegisterAgent')
  async register(@Payload() message: MessageOf<'RegisterAgent'>) {
    const agent = message.payload;
    const actor = { kind: 'service' as const, id: this.service.name };
    if (!this.owners.includes('*') && !this.owners.includes(agent.owner)) {
      const reason = `owner "${agent.owner}" may not register agents (allowed: ${this.owners.join(', ')})`;
      return this.record(causedBy(message, 'AgentRegistrationRejected', { name: agent.name, version: agent.version, owner: agent.owner, reason }, actor));
    }
    // Tasks are routed and slots counted by instance id, so two live agents may not share one.
    const clash = (await this.catalogue.find({})).find((a) => a.instanceId === agent.instanceId && a.name !== agent.name);
    if (clash) {
      const reason = `instance id "${agent.instanceId}" is already used by live agent ${clash.name}@${clash.version}`;
      return this.record(causedBy(message, 'AgentRegistrationRejected', { name: agent.name, version: agent.version, owner: agent.owner, reason }, actor));
    }
    // Idempotent: a redelivered registration overwrites the same entry and re-records the same event id.
    await this.catalogue.register(agent, new Date());
    await this.record(causedBy(message, 'AgentRegistered', agent, actor));
    this.service.log.info({ agent: `${agent.name}@${agent.version}`, instanceId: agent.instanceId }, 'agent registered');
  }

  /** Appended to the agent's history first, then published. */
  private async record(decision: MessageOf<'AgentRegistered'> | MessageOf<'AgentRegistrationRejected'>) {
    await this.store.append(`agent-${decision.payload.name}`, [decision]);
    await this.bus.publishMessage(decision);
  }

  @EventPattern('AgentHeartbeatSent')
  async heartbeat(@Payload() message: MessageOf<'AgentHeartbeatSent'>) {
    // Liveness is the registry's own clock: when it heard from the instance, not when it spoke.
    await this.catalogue.heartbeat(message.payload, new Date());
  }

  @EventPattern('DeregisterAgent')
  async deregister(@Payload() message: MessageOf<'DeregisterAgent'>) {
    await this.liveness.deregistered(message);
  }

  @MessagePattern('FindAgents')
  async find(@Payload() query: MessageOf<'FindAgents'>): Promise<ReplyOf<'FindAgents'>> {
    return { agents: await this.catalogue.find(query.payload) };
  }
}
