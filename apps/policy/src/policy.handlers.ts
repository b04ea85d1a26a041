import { DocumentError, EVENT_STREAMS, causedBy, deriveId, mergeLabels, newId, type ContentLabel, type MessageOf, type PayloadOf, type ReplyOf, type Spending } from '@agentos/contracts';
import { EVENT_STORE, type EventStore } from '@agentos/event-store';
import { EventRecorder, fold } from '@agentos/decider';
import type { ServiceName } from '@agentos/identity';
import { RefusedMessage } from '@agentos/messaging';
import { handedRunOf, labelsHandedTo, orchestrationDecider, usageRefusal, workflowStream } from '@agentos/orchestration';
import { describeOverrun, detectInjection, featureEnabled, markUntrusted, overrun, parsePolicyBundle, screenInput, type BudgetScope, type Budgets, type Overrun } from '@agentos/policy-engine';
import { ServiceContext } from '@agentos/service-host';
import { Controller, Inject } from '@nestjs/common';
import { EventPattern, MessagePattern, Payload } from '@nestjs/microservices';
import { LRUCache } from 'lru-cache';
import { createHash } from 'node:crypto';
import { AssignmentIndex } from './assignment-index';
import { BudgetLedger } from './budget-ledger';
import { InjectionDetectors } from './injection-detectors';
import { PolicyState } from './policy.state';
import { RateLimiter } from './rate-limiter';

type PolicyCheck = MessageOf<'CheckPolicy'> | MessageOf<'DecidePolicyCheck'>;
/** The one service that puts a run's recorded checks to policy (DecidePolicyCheck). */
const RUN_CHECKER = 'orchestrator' satisfies ServiceName;

@Controller()
export class PolicyHandlers {
  /** The verdicts on runs' checks given or being given here, by tenant and check id (see decideRunCheck). */
  private readonly verdictsGiven = new LRUCache<string, Promise<MessageOf<'PolicyDecided'>>>({ max: 10_000 });

  constructor(
    private readonly state: PolicyState,
    private readonly rateLimiter: RateLimiter,
    private readonly ledger: BudgetLedger,
    private readonly assignments: AssignmentIndex,
    private readonly recorder: EventRecorder,
    @Inject(EVENT_STORE) private readonly events: EventStore,
    private readonly service: ServiceContext,
    private readonly detectors: InjectionDetectors,
  ) {}

  private get actor() {
    return { kind: 'service' as const, id: this.service.name };
  }

  /** `once`: a verdict of its own, with an id no other decision on the same message has (see decideRunCheck). */
  private async decide(message: PolicyCheck, { once = false } = {}): Promise<MessageOf<'PolicyDecided'>> {
    const handed = await this.handedLabels(message);
    const check = handed && 'labels' in handed ? { ...message.payload, labels: mergeLabels(message.payload.labels, handed.labels) } : message.payload;
    const request = { tenant: message.tenant, check, at: message.occurredAt };
    const { policy } = this.state;
    let verdict = handed && 'refusal' in handed ? { effect: 'deny' as const, rule: 'run-assignment', reason: handed.refusal, bundleVersion: policy.bundle.version } : policy.evaluate(request, this.state.killSwitches);
    // A run pinned to a bundle (a fork reset with one) is decided under that bundle or not at all.
    const inForce = policy.bundle.version;
    if (check.pinnedBundle && check.pinnedBundle !== inForce) {
      verdict = { effect: 'deny', rule: 'policy-bundle-pin', reason: `the run is pinned to policy bundle ${check.pinnedBundle}; ${inForce} is in force`, bundleVersion: inForce };
    }
    const spent = verdict.effect === 'deny' ? undefined : await this.budgetOverrun(policy.bundle.budgets, message.tenant, check.intentId);
    if (spent) verdict = { effect: 'deny', rule: `budget:${spent.scope}:${spent.metric}`, reason: describeOverrun(spent), bundleVersion: verdict.bundleVersion };
    // Only what the rules let through draws from the rate limits.
    const limited = verdict.effect === 'deny' ? undefined : await this.rateLimiter.consume(policy.bundle.rateLimits, request);
    if (limited) {
      verdict = { effect: 'deny', rule: `rate-limit:${limited.id}`, reason: `rate limit ${limited.id} exceeded (${limited.capacity} at once, ${limited.refillPerSecond}/s per ${limited.per})`, bundleVersion: verdict.bundleVersion };
    }
    this.service.log.info({ requestId: check.requestId, action: check.action, effect: verdict.effect, rule: verdict.rule, tenant: message.tenant }, 'policy decided');
    const { requestId, intentId, action, resource, subject, context, labels } = check;
    return causedBy(message, 'PolicyDecided', { requestId, intentId, action, resource, subject, context, ...(labels ? { labels } : {}), ...verdict }, this.actor, once ? newId() : '');
  }

  /**
   * An agent's check for a run carries the labels of what the run handed it, whatever the agent sent (see
   * labelsHandedTo); a check from a service, a user, or an agent outside any run is taken as it comes (undefined).
   * `{ refusal }`: an agent naming a run that handed it nothing.
   */
  private async handedLabels({ actor, tenant, payload: { intentId } }: PolicyCheck | MessageOf<'ScreenContent'>): Promise<{ labels: ContentLabel[] } | { refusal: string } | undefined> {
    if (actor.kind !== 'agent' || intentId === undefined) return undefined;
    const indexed = this.assignments.of(intentId);
    const vouched = indexed && labelsHandedTo(indexed, { tenant, actor });
    return vouched && 'labels' in vouched ? vouched : labelsHandedTo(handedRunOf(await this.runHistory(intentId)), { tenant, actor });
  }

  /** Both accounts read at once (two keys, one round trip of waiting); the run's overrun is named first. */
  private async budgetOverrun(budgets: Budgets, tenant: string, intentId?: string): Promise<Overrun | undefined> {
    const [workflow, tenantWide] = await Promise.all([
      intentId && budgets.workflow ? this.ledger.spent('workflow', intentId) : undefined,
      budgets.tenant ? this.ledger.spent('tenant', tenant) : undefined,
    ]);
    return (workflow && overrun(budgets, 'workflow', workflow)) || (tenantWide && overrun(budgets, 'tenant', tenantWide)) || undefined;
  }

  /**
   * Counts what agents spend; the first usage that reaches a limit announces it, once per scope. Only an
   * agent the run handed the task to, in the run's tenant, may charge it: anything else is refused
   * (dead-lettered) before it is recorded or counted.
   */
  @EventPattern('UsageRecorded')
  async usage(@Payload() message: MessageOf<'UsageRecorded'>) {
    await this.charge(message, message.payload);
  }

  /** A completion charges what its task had not reported yet: the step itself (see TaskCompleted.usage). */
  @EventPattern('TaskCompleted')
  async completed(@Payload() message: MessageOf<'TaskCompleted'>) {
    const { usage } = message.payload;
    if (usage && (usage.tokens > 0 || usage.cost > 0 || usage.steps > 0)) await this.charge(message, usage);
  }

  private async charge(message: MessageOf<'UsageRecorded'> | MessageOf<'TaskCompleted'>, spent: Spending) {
    const { budgets } = this.state.policy.bundle;
    const { intentId } = message.payload;
    // The index of assignments the orchestrator announced vouches for most; what it does not confirm, the run's history decides.
    const indexed = this.assignments.of(intentId);
    const vouched = indexed !== undefined && usageRefusal(message, indexed) === undefined;
    const refusal = vouched ? undefined : usageRefusal(message, await this.runHistory(intentId));
    if (refusal) throw new RefusedMessage(refusal);
    // The orchestrator records the spending in the run's history (it alone writes there); policy keeps the count.
    const accounts: [BudgetScope, string][] = [['workflow', intentId], ['tenant', message.tenant]];
    // Two keys, counted at once: each is its own compare-and-set (once per message id: a redelivery is not counted again).
    const reached = await Promise.all(
      accounts.map(([scope, id]) => this.ledger.add(scope, id, message.id, spent, (before, after) => (overrun(budgets, scope, before) ? undefined : overrun(budgets, scope, after)))),
    );
    for (const [index, [scope, id]] of accounts.entries()) {
      const over = reached[index];
      if (!over) continue;
      const exhausted = causedBy(message, 'BudgetExhausted', { scope, id, metric: over.metric, used: over.used, limit: over.limit }, this.actor, scope);
      await this.recorder.record(EVENT_STREAMS.budgets(message.tenant), [exhausted]);
    }
  }

  private async runHistory(runId: string) {
    return fold(orchestrationDecider, (await this.events.readStream(workflowStream(runId))).map((r) => r.event));
  }

  /**
   * A run's check, as the orchestrator recorded it (PolicyCheckRequested), put by request/reply: the answer is the
   * recorded verdict, which the orchestrator records in the run's history (its only writer) and acts on at once.
   *
   * A check asked again (its answer was lost, or the orchestrator restarted) gets the verdict this instance gave or is
   * giving, if it still remembers it: rate limits are not drawn from twice. Asked of another instance, or after a
   * restart, it is decided anew, and that verdict is a decision of its own: each verdict has an id of its own, so
   * policy's record holds every verdict it gave, as given, and the run's history the one the run acted on. (With one
   * id for both, the second would be dropped from policy's record as a duplicate while the run acted on it.)
   */
  @MessagePattern('DecidePolicyCheck')
  decideRunCheck(@Payload() message: MessageOf<'DecidePolicyCheck'>): Promise<ReplyOf<'DecidePolicyCheck'>> {
    // The responder checked the envelope's actor against its sender, and only the orchestrator may send this: a
    // principal allowed every query (an operator) must still not decide, or pre-decide, a run's check.
    if (message.actor.kind !== 'service' || message.actor.id !== RUN_CHECKER) return Promise.reject(new RefusedMessage(`only the ${RUN_CHECKER} puts a run's checks to policy`));
    const key = `${message.tenant}/${message.id}`;
    const given = this.verdictsGiven.get(key);
    if (given) return given;
    const giving = (async () => {
      const decided = await this.decide(message, { once: true });
      await this.recorder.recordForAnswer(EVENT_STREAMS.policyDecisions(message.tenant), [decided]);
      return decided;
    })();
    this.verdictsGiven.set(key, giving);
    giving.catch(() => this.verdictsGiven.delete(key));
    return giving;
  }

  /** The request/reply form: the caller waits for the verdict, which is recorded before it is answered. */
  @MessagePattern('CheckPolicy')
  async checkNow(@Payload() message: MessageOf<'CheckPolicy'>): Promise<ReplyOf<'CheckPolicy'>> {
    const decided = await this.decide(message);
    await this.recorder.recordForAnswer(EVENT_STREAMS.policyDecisions(message.tenant), [decided]);
    return decided.payload;
  }

  /** A malformed bundle is rejected whole, with every problem named; the bundle in force stays. */
  @EventPattern('PublishPolicyBundle')
  async publishBundle(@Payload() message: MessageOf<'PublishPolicyBundle'>) {
    const { yaml, source } = message.payload;
    try {
      const bundle = parsePolicyBundle(yaml, source);
      const sha256 = createHash('sha256').update(yaml).digest('hex');
      // Recorded before it is in force, like a kill switch: no verdict cites a bundle the history does not hold yet.
      await this.recorder.record(EVENT_STREAMS.policyBundles(), [causedBy(message, 'PolicyBundlePublished', { version: bundle.version, sha256, rules: bundle.rules.length }, this.actor)]);
      await this.state.publishBundle(yaml);
    } catch (error) {
      if (!(error instanceof DocumentError)) throw error;
      await this.recorder.record(EVENT_STREAMS.policyBundles(), [causedBy(message, 'PolicyBundleRejected', { source, problems: error.problems }, this.actor)]);
    }
  }

  /** Prompt-injection screening by the bundle's detectors, with its threshold; flagged content is recorded with each detector's verdict. */
  @MessagePattern('ScreenContent')
  async screen(@Payload() message: MessageOf<'ScreenContent'>): Promise<ReplyOf<'ScreenContent'>> {
    const { bundle } = this.state.policy;
    const { threshold, onFlag } = bundle.screening;
    const { origin, source, text, intentId } = message.payload;
    const result = await detectInjection(this.detectors.pick(bundle.screening.detectors), text, threshold, { tenant: message.tenant });
    const categories = [...new Set(result.verdicts.flatMap((v) => v.findings ?? []).map((f) => f.category))];
    const detectors = result.verdicts.map((v) => ({ detector: v.detector, score: v.score, flagged: v.score >= threshold }));
    const action = result.flagged ? onFlag : 'pass';
    if (result.flagged) {
      // The flag goes into a run's history only for an agent the run handed a task to: the run id is the sender's word.
      const run = intentId && 'labels' in ((await this.handedLabels(message)) ?? {}) ? { intentId } : {};
      const flagged = causedBy(message, 'ContentFlagged', { ...run, origin, source, score: result.score, categories, action, excerpt: text.slice(0, 200), detectors }, this.actor);
      await this.recorder.recordForAnswer(EVENT_STREAMS.screening(message.tenant), [flagged]);
    }
    const passed = action === 'pass' ? text : action === 'mark' ? markUntrusted(text, `${origin} ${source}`) : null;
    return { flagged: result.flagged, score: result.score, categories, action, text: passed, bundleVersion: bundle.version, detectors };
  }

  /**
   * A task's input screened whole, each piece as ScreenContent screens it (recorded the same way when flagged), in
   * one question from the agent instead of one per string.
   */
  @MessagePattern('ScreenInput')
  async screenTaskInput(@Payload() message: MessageOf<'ScreenInput'>): Promise<ReplyOf<'ScreenInput'>> {
    const { intentId, input } = message.payload;
    const origin = { tenant: message.tenant, actor: message.actor, correlationId: message.correlationId };
    // Each piece's question takes an id derived from this one and the piece's place: the same input asked again (a
    // redelivered task) records its flags once, not once per asking.
    const outcome = await screenInput((query) => this.screen({ ...query, id: deriveId(message.id, 'ScreenContent', query.payload.source) }), origin, intentId, input);
    return outcome.ok ? { passed: true, input: outcome.input as PayloadOf<'ScreenInput'>['input'] } : { passed: false, reason: outcome.reason, transient: outcome.transient };
  }

  @MessagePattern('GetPolicyBundle')
  bundleInForce(): ReplyOf<'GetPolicyBundle'> {
    const { bundle } = this.state.policy;
    return { version: bundle.version, rules: bundle.rules.length, yaml: this.state.yaml };
  }

  @MessagePattern('IsFeatureEnabled')
  feature(@Payload() message: MessageOf<'IsFeatureEnabled'>): ReplyOf<'IsFeatureEnabled'> {
    const { bundle } = this.state.policy;
    const { feature } = message.payload;
    return { feature, enabled: featureEnabled(bundle.features, feature, message.tenant), bundleVersion: bundle.version };
  }

  @EventPattern('ActivateKillSwitch')
  async activate(@Payload() message: MessageOf<'ActivateKillSwitch'>) {
    // Recorded first, then put in force: a switch anyone can list is always in the history (a redelivery after a crash
    // between the two finds the fact deduplicated by its derived id and only puts the switch in force).
    await this.recorder.record(EVENT_STREAMS.killSwitches(), [causedBy(message, 'KillSwitchActivated', message.payload, this.actor)]);
    await this.state.activate({ ...message.payload, activatedAt: message.occurredAt, activatedBy: `${message.actor.kind}:${message.actor.id}` });
  }

  @EventPattern('ReleaseKillSwitch')
  async release(@Payload() message: MessageOf<'ReleaseKillSwitch'>) {
    await this.recorder.record(EVENT_STREAMS.killSwitches(), [causedBy(message, 'KillSwitchReleased', message.payload, this.actor)]);
    await this.state.release(message.payload.scope, message.payload.target);
  }

  @MessagePattern('ListKillSwitches')
  listKillSwitches(): ReplyOf<'ListKillSwitches'> {
    return { switches: this.state.killSwitches };
  }
}
