import { causedBy, type MessageOf, type ReplyOf } from '@agentos/contracts';
import { JetStreamClientProxy } from '@agentos/messaging';
import { ServiceContext } from '@agentos/service-host';
import { Controller } from '@nestjs/common';
import { EventPattern, MessagePattern, Payload } from '@nestjs/microservices';
import { AgentCatalogue } from './agent-catalogue';

/** Owners allowed to register agents: AGENTOS_REGISTRY_OWNERS, comma-separated; `*` allows all. */
export const allowedOwners = (env: NodeJS.ProcessEnv): string[] =>
  (env.AGENTOS_REGISTRY_OWNERS ?? '*').split(',').map((owner) => owner.trim()).filter(Boolean);

@Controller()
export class RegistryHandlers {
  private readonly owners: string[];

  constructor(
    private readonly bus: JetStreamClientProxy,
    private readonly catalogue: AgentCatalogue,
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
      await this.bus.publishMessage(causedBy(message, 'AgentRegistrationRejected', { name: agent.name, version: agent.version, owner: agent.owner, reason }, actor));
      return;
    }
    // Idempotent: a redelivered registration overwrites the same entry and re-publishes the same event id.
    await this.catalogue.put(agent);
    await this.bus.publishMessage(causedBy(message, 'AgentRegistered', agent, actor));
    this.service.log.info({ agent: `${agent.name}@${agent.version}`, instanceId: agent.instanceId }, 'agent registered');
  }

  @MessagePattern('FindAgents')
  async find(@Payload() query: MessageOf<'FindAgents'>): Promise<ReplyOf<'FindAgents'>> {
    return { agents: await this.catalogue.find(query.payload) };
  }
}
