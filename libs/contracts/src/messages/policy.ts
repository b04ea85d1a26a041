import { z } from 'zod';
import { EnvelopeHeader } from '../envelope';
import { formatCount } from '../limits';
import { ContentLabels } from './labels';
import { BundleVersion, JsonObject, Name, Spending } from './shared';

export const PolicyAction = z.enum([
  'intent.submit',
  'tool.call',
  'memory.read',
  'memory.write',
  'agent.spawn',
  'llm.call',
  'secret.read',
]);
export type PolicyAction = z.infer<typeof PolicyAction>;

export const PolicyEffect = z.enum(['allow', 'deny', 'require_approval']);
export type PolicyEffect = z.infer<typeof PolicyEffect>;

export const PolicyResource = z.object({
  kind: z.string().min(1),
  name: z.string().min(1),
  /** Data classification of the resource, e.g. public, internal, confidential, restricted. */
  classification: z.string().optional(),
});

export const PolicyCheckRequested = z.object({
  requestId: z.uuid(),
  action: PolicyAction,
  subject: z.object({
    agent: Name.optional(),
    version: z.string().optional(),
    owner: z.string().optional(),
  }),
  resource: PolicyResource,
  context: JsonObject.default({}),
  /** The intent this check is made for, if any: the orchestrator routes the decision back by it. */
  intentId: z.uuid().optional(),
  /** Where the caller's context came from; rules condition on it (`when: { context: untrusted }`). */
  labels: ContentLabels.optional(),
  /** The policy bundle version the run is pinned to (a fork reset with one): decided only while that bundle is in force, denied otherwise. */
  pinnedBundle: BundleVersion.optional(),
});

export const PolicyDecided = z.object({
  requestId: z.uuid(),
  intentId: z.uuid().optional(),
  /** Echoed from the request, so a consumer can act on the decision without looking the request up. */
  resource: PolicyResource,
  /** The rest of the request's inputs, recorded with the decision for replay and audit. */
  subject: z.object({ agent: Name.optional(), version: z.string().optional(), owner: z.string().optional() }).optional(),
  context: JsonObject.optional(),
  /** The request's labels, recorded with the decision so a replay shows what the caller had read. */
  labels: ContentLabels.optional(),
  action: PolicyAction,
  effect: PolicyEffect,
  /** The rule that matched; null when nothing matched and the default (deny) applied. */
  rule: z.string().nullable(),
  reason: z.string(),
  bundleVersion: z.string(),
});

export const KillSwitchScope = z.enum(['global', 'tenant', 'agent', 'workflow']);

export const ActivateKillSwitch = z.object({
  scope: KillSwitchScope,
  target: z.string().min(1),
  reason: z.string().min(1),
});
export const KillSwitchActivated = ActivateKillSwitch;

export const ReleaseKillSwitch = ActivateKillSwitch.pick({ scope: true, target: true }).extend({ reason: z.string().min(1) });
export const KillSwitchReleased = ReleaseKillSwitch;

export const ActiveKillSwitch = ActivateKillSwitch.extend({ activatedAt: z.string(), activatedBy: z.string() });
export type ActiveKillSwitch = z.infer<typeof ActiveKillSwitch>;

export const ListKillSwitches = z.object({});
export const KillSwitchList = z.object({ switches: z.array(ActiveKillSwitch) });

/** A new policy bundle, as YAML text, so that errors can name their line. */
export const PublishPolicyBundle = z.object({ yaml: z.string().min(1).max(1_000_000), source: z.string().default('published bundle') });
export const PolicyBundlePublished = z.object({ version: z.string(), sha256: z.string(), rules: z.number().int().nonnegative() });
export const PolicyBundleRejected = z.object({ source: z.string(), problems: z.array(z.string()).min(1) });

/** The synchronous form of a policy check, for callers that must wait for the answer (SDK, memory). */
export const CheckPolicy = PolicyCheckRequested;

/**
 * A run's policy check, recorded in its history as PolicyCheckRequested, put to policy by the orchestrator that
 * recorded it (the query carries that event's id and time): answered with the PolicyDecided policy recorded about it,
 * whole, so the run's history holds policy's own fact. The orchestrator alone asks it.
 */
export const DecidePolicyCheck = PolicyCheckRequested;
export const RecordedPolicyDecision = EnvelopeHeader.extend({ type: z.literal('PolicyDecided'), payload: PolicyDecided });

export const BudgetMetric = z.enum(['tokens', 'cost', 'steps']);
export const BudgetScope = z.enum(['workflow', 'tenant']);

/** What an agent spent: LLM tokens and cost as it goes, and one step per finished task. */
export const UsageRecorded = z.object({
  intentId: z.uuid(),
  taskId: z.uuid(),
  agent: Name,
  ...Spending.shape,
});

export const BudgetExhausted = z.object({
  scope: BudgetScope,
  /** The intent id (workflow) or the tenant. */
  id: z.string(),
  metric: BudgetMetric,
  used: z.number(),
  limit: z.number(),
});

export const ContentOrigin = z.enum(['user_input', 'tool_result', 'agent_note']);

/** The longest text screened at once: more than any client input (MAX_INPUT_BYTES), room for long tool results. */
export const MAX_SCREENED_CHARS = 1_000_000;

/** Screens text for prompt injection before it reaches an agent's prompt. */
export const ScreenContent = z.object({
  origin: ContentOrigin,
  /** Where in the task it came from, e.g. `input.text` or a tool name; shown in the marker. */
  source: z.string().min(1).max(200),
  text: z.string().max(MAX_SCREENED_CHARS, { error: (issue) => `${formatCount((issue.input as string).length)} characters; at most ${formatCount(MAX_SCREENED_CHARS)}` }),
  intentId: z.uuid().optional(),
});

/**
 * A task's input screened whole in one question (the agent's, before it sees the input): every string, then all of
 * them with the keys read together, so an attack put in a key or split across fields is read whole.
 */
export const ScreenInput = z.object({
  intentId: z.uuid(),
  input: JsonObject,
});

export const ScreeningAction = z.enum(['pass', 'mark', 'quarantine']);

/** One detector's verdict on a text (the rules, a classifier, a judge), recorded beside the combined one. */
export const DetectorScore = z.object({ detector: z.string().min(1).max(100), score: z.number().min(0).max(1), flagged: z.boolean() });

export const ScreenedContent = z.object({
  flagged: z.boolean(),
  score: z.number().min(0).max(1),
  categories: z.array(z.string()),
  action: ScreeningAction,
  /** What may go into the prompt: the text, the marked text, or null when quarantined. */
  text: z.string().nullable(),
  bundleVersion: z.string(),
  /** Each detector's verdict; empty when the bundle switches detection off. */
  detectors: z.array(DetectorScore).optional(),
});

/** The input as the agent may see it (flagged strings marked), or why not: quarantined (final) or not screened (`transient`: ask again later). */
export const ScreenedInput = z.discriminatedUnion('passed', [
  z.object({ passed: z.literal(true), input: JsonObject }),
  z.object({ passed: z.literal(false), reason: z.string(), transient: z.boolean() }),
]);

export const ContentFlagged = z.object({
  intentId: z.uuid().optional(),
  origin: ContentOrigin,
  source: z.string(),
  score: z.number(),
  categories: z.array(z.string()),
  action: ScreeningAction,
  /** The first characters, so an incident review can see what was caught without the whole payload. */
  excerpt: z.string().max(500),
  detectors: z.array(DetectorScore).optional(),
});

export const IsFeatureEnabled = z.object({ feature: z.string().min(1).max(100) });
export const FeatureState = z.object({ feature: z.string(), enabled: z.boolean(), bundleVersion: z.string() });

export const GetPolicyBundle = z.object({});
export const PolicyBundleInForce = z.object({ version: z.string(), rules: z.number().int(), yaml: z.string() });
