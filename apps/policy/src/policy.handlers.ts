import { causedBy, type MessageOf } from '@agentos/contracts';
import { EVENT_STORE, type EventStore } from '@agentos/event-store';
import { JetStreamClientProxy } from '@agentos/messaging';
import { workflowStream } from '@agentos/orchestration';
import { evaluate, type PolicyBundle } from '@agentos/policy-engine';
import { ServiceContext } from '@agentos/service-host';
import { Controller, Inject } from '@nestjs/common';
import { EventPattern, Payload } from '@nestjs/microservices';

export const POLICY_BUNDLE = Symbol('PolicyBundle');

@Controller()
export class PolicyHandlers {
  constructor(
    private readonly bus: JetStreamClientProxy,
    @Inject(POLICY_BUNDLE) private readonly bundle: PolicyBundle,
    @Inject(EVENT_STORE) private readonly store: EventStore,
    private readonly service: ServiceContext,
  ) {}

  @EventPattern('PolicyCheckRequested')
  async check(@Payload() message: MessageOf<'PolicyCheckRequested'>) {
    const check = message.payload;
    const verdict = evaluate(this.bundle, { tenant: message.tenant, check });
    const decided = causedBy(
      message,
      'PolicyDecided',
      { requestId: check.requestId, intentId: check.intentId, action: check.action, resource: check.resource, ...verdict },
      { kind: 'service', id: this.service.name },
    );
    // Recorded before it is published: a crash in between re-runs this handler, which derives the
    // same event id, so the append and the publish both de-duplicate.
    await this.store.append(check.intentId ? workflowStream(check.intentId) : `policy-${message.tenant}`, [decided]);
    await this.bus.publishMessage(decided);
    this.service.log.info({ requestId: check.requestId, action: check.action, effect: verdict.effect, rule: verdict.rule, tenant: message.tenant }, 'policy decided');
  }
}
