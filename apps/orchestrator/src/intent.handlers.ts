import { createMessage, type AnyMessage, type MessageOf } from '@agentos/contracts';
import { runDecision } from '@agentos/decider';
import { EVENT_STORE, type EventStore } from '@agentos/event-store';
import { JetStreamClientProxy } from '@agentos/messaging';
import { intentDecider, workflowStream, type IntentInput, type IntentState } from '@agentos/orchestration';
import { ServiceContext } from '@agentos/service-host';
import { Controller, Inject } from '@nestjs/common';
import { EventPattern, Payload } from '@nestjs/microservices';

/** Thin I/O around the intent decider: look up what it needs, then load, decide, append, publish. */
@Controller()
export class IntentHandlers {
  constructor(
    private readonly bus: JetStreamClientProxy,
    @Inject(EVENT_STORE) private readonly store: EventStore,
    private readonly service: ServiceContext,
  ) {}

  @EventPattern('SubmitIntent')
  async submit(@Payload() message: MessageOf<'SubmitIntent'>) {
    await this.decide(message.payload.intentId, message, { kind: 'submit', message });
  }

  @EventPattern('PolicyDecided')
  async policyDecided(@Payload() message: MessageOf<'PolicyDecided'>) {
    const { intentId, effect } = message.payload;
    if (!intentId) return; // a decision about something other than an intent
    await this.decide(intentId, message, async (state) => ({
      kind: 'policy-decided',
      message,
      ...(effect === 'allow' ? await this.assignmentFacts(state, message) : { candidates: [], killSwitches: [] }),
    }));
  }

  @EventPattern('ApproveIntent')
  async approve(@Payload() message: MessageOf<'ApproveIntent'>) {
    await this.decide(message.payload.intentId, message, async (state) => ({ kind: 'approve', message, ...(await this.assignmentFacts(state, message)) }));
  }

  @EventPattern('RejectIntent')
  async reject(@Payload() message: MessageOf<'RejectIntent'>) {
    await this.decide(message.payload.intentId, message, { kind: 'reject', message });
  }

  /** What an assignment decision needs to know: the agents that could take it, and the kill switches. */
  private async assignmentFacts(state: IntentState, cause: AnyMessage) {
    if (!state.intent) return { candidates: [], killSwitches: [] };
    const [candidates, killSwitches] = await Promise.all([
      this.bus.query(createMessage('FindAgents', { capability: state.intent.capability }, this.origin(cause))).then((r) => r.agents),
      this.bus.query(createMessage('ListKillSwitches', {}, this.origin(cause))).then((r) => r.switches),
    ]);
    return { candidates, killSwitches };
  }

  @EventPattern('BudgetExhausted')
  async budgetExhausted(@Payload() message: MessageOf<'BudgetExhausted'>) {
    if (message.payload.scope !== 'workflow') return; // a spent tenant budget is enforced at each policy check
    await this.decide(message.payload.id, message, { kind: 'budget-exhausted', message });
  }

  @EventPattern('TaskCompleted')
  async taskCompleted(@Payload() message: MessageOf<'TaskCompleted'>) {
    await this.decide(message.payload.intentId, message, { kind: 'task-completed', message });
  }

  @EventPattern('TaskFailed')
  async taskFailed(@Payload() message: MessageOf<'TaskFailed'>) {
    await this.decide(message.payload.intentId, message, { kind: 'task-failed', message });
  }

  private origin(cause: AnyMessage) {
    return { tenant: cause.tenant, actor: this.actor, correlationId: cause.correlationId, traceparent: cause.traceparent };
  }

  private get actor() {
    return { kind: 'service' as const, id: this.service.name };
  }

  private async decide(intentId: string, cause: AnyMessage, input: IntentInput | ((state: IntentState) => Promise<IntentInput>)) {
    const events = await runDecision({
      store: this.store,
      publish: (messages) => this.bus.publishAll(messages),
      stream: workflowStream(intentId),
      decider: intentDecider,
      cause,
      input,
      actor: this.actor,
    });
    this.service.log.info({ intentId, cause: cause.type, decided: events.map((e) => e.type), correlationId: cause.correlationId }, 'intent decision');
  }
}
