import { EVENT_STREAMS, causedBy, type MessageOf, type ReplyOf } from '@agentos/contracts';
import { EventRecorder } from '@agentos/decider';
import { JetStreamClientProxy, JetStreamContext } from '@agentos/messaging';
import { ServiceContext } from '@agentos/service-host';
import { Controller } from '@nestjs/common';
import { Ctx, EventPattern, MessagePattern, Payload } from '@nestjs/microservices';
import { AgentCatalogue } from './agent-catalogue';
import { AgentClaims } from './agent-claims';
import { LivenessSweeper } from './liveness.sweeper';
import { decideRegistration, refusalToSpeakFor } from './ownership';
import type { RegistrySettings } from './registry.settings';

/** Rounds of deciding again after a claim was lost to a racing registration, before giving the message back to NATS. */
const CLAIM_ROUNDS = 3;

@Controller()
export class RegistryHandlers {
  private readonly owners: string[];

  constructor(
    private readonly bus: JetStreamClientProxy,
    private readonly catalogue: AgentCatalogue,
    private readonly claims: AgentClaims,
    private readonly liveness: LivenessSweeper,
    private readonly recorder: EventRecorder,
    private readonly service: ServiceContext<RegistrySettings>,
  ) {
    this.owners = service.settings.AGENTOS_REGISTRY_OWNERS;
  }

  @EventPattern('RegisterAgent')
  async register(@Payload() message: MessageOf<'RegisterAgent'>) {
    // The tenant is the envelope's, which the broker authenticated, whatever the payload says.
    const agent = { ...message.payload, tenant: message.tenant };
    for (let round = 1; ; round += 1) {
      const decision = decideRegistration({ principal: message, agent, allowedOwners: this.owners, claims: await this.claims.owners(agent), live: await this.catalogue.find({}) });
      if (decision.kind === 'rejected') {
        const { name, version } = agent;
        return this.record(causedBy(message, 'AgentRegistrationRejected', { name, version, owner: decision.owner, reason: decision.reason }, this.actor));
      }
      try {
        await this.claims.claim(decision.claim, decision.owner, new Date());
        break;
      } catch (error) {
        // Typically another registrant claimed the name or a capability since they were read: decide again on what it claimed.
        if (round >= CLAIM_ROUNDS) throw error;
      }
    }
    // Idempotent: a redelivered registration overwrites the same entry and re-records the same event id.
    await this.catalogue.register(agent, new Date());
    await this.record(causedBy(message, 'AgentRegistered', agent, this.actor));
    this.service.log.info({ agent: `${agent.name}@${agent.version}`, instanceId: agent.instanceId }, 'agent registered');
  }

  /** Appended to the agent's history first, then published. */
  private async record(decision: MessageOf<'AgentRegistered'> | MessageOf<'AgentRegistrationRejected'>) {
    await this.recorder.record(EVENT_STREAMS.agent(decision.payload.name), [decision]);
  }

  @EventPattern('AgentHeartbeatSent')
  async heartbeat(@Payload() message: MessageOf<'AgentHeartbeatSent'>, @Ctx() context: JetStreamContext) {
    if (await this.refused(message, context)) return;
    // Liveness is the registry's own clock: when it heard from the instance, not when it spoke.
    await this.catalogue.heartbeat(message.payload, new Date());
  }

  @EventPattern('DeregisterAgent')
  async deregister(@Payload() message: MessageOf<'DeregisterAgent'>, @Ctx() context: JetStreamContext) {
    if (await this.refused(message, context)) return;
    await this.liveness.deregistered(message);
  }

  /**
   * Only the agent itself or its name's owner speaks for its instances: anyone else's heartbeat or
   * departure is parked with the reason for an operator (not retried: it would be refused again).
   */
  private async refused(message: MessageOf<'AgentHeartbeatSent'> | MessageOf<'DeregisterAgent'>, context: JetStreamContext): Promise<boolean> {
    const { name } = message.payload;
    const reason = refusalToSpeakFor(message, name, await this.claims.ownerOf({ kind: 'name', value: name }));
    if (!reason) return false;
    // Stream-backed handlers always have a delivery; only queries arrive without one.
    const delivery = context.getDelivery()!;
    const letter = causedBy(message, 'MessageDeadLettered', {
      service: this.service.name,
      consumer: `${this.service.name}-${message.type}`,
      subject: delivery.subject,
      streamSequence: delivery.streamSequence,
      deliveries: delivery.deliveryCount,
      reason: 'invalid-message',
      error: `${message.type} for agent "${name}" refused: ${reason}`,
      original: JSON.stringify(message),
    }, this.actor);
    await this.bus.publishMessage(letter);
    this.service.log.warn({ type: message.type, agent: name, reason }, 'message refused');
    return true;
  }

  @MessagePattern('FindAgents')
  async find(@Payload() query: MessageOf<'FindAgents'>): Promise<ReplyOf<'FindAgents'>> {
    return { agents: await this.catalogue.find(query.payload) };
  }

  private get actor() {
    return { kind: 'service' as const, id: this.service.name };
  }
}
