import { JsonObject, Name, Priority, SemVer, type CompensationStep, type OnFailure, type StepRetries, type StepTarget, type WorkflowDefinition, type WorkflowStep } from '@agentos/contracts';
import { z } from 'zod';
import { formatDuration, parseDuration } from './duration';

/** Defaults of the authoring form; the wire form always carries explicit values. */
export const STEP_DEFAULTS = { timeoutMs: 60_000, retries: { max: 0, initialBackoffMs: 1_000, maxBackoffMs: 30_000 } } as const;

const MAX_TIMEOUT_MS = 86_400_000;
const MAX_BACKOFF_MS = 3_600_000;

const Duration = z.union([z.string(), z.number()], { error: 'must be a duration such as 500ms, 30s, 2m, 1h or whole milliseconds' }).transform((value, ctx) => {
  try {
    return parseDuration(value);
  } catch (error) {
    ctx.addIssue({ code: 'custom', message: (error as Error).message });
    return z.NEVER;
  }
});
const Timeout = Duration.refine((ms) => ms > 0 && ms <= MAX_TIMEOUT_MS, 'a timeout must be more than 0 and at most 24h');
const Backoff = Duration.refine((ms) => ms <= MAX_BACKOFF_MS, 'a backoff must be at most 1h');
const RetryCount = z.number().int('retries must be a whole number').min(0).max(20);

/** `retries: 2` is shorthand for `retries: { max: 2 }`. */
const Retries = z.preprocess(
  (value) => (typeof value === 'number' ? { max: value } : value),
  z
    .strictObject(
      { max: RetryCount, backoff: Backoff.optional(), maxBackoff: Backoff.optional() },
      { error: (issue) => (issue.code === 'invalid_type' ? 'retries must be a whole number or { max, backoff, maxBackoff }' : undefined) },
    )
    .transform((r, ctx): StepRetries => {
      const initialBackoffMs = r.backoff ?? STEP_DEFAULTS.retries.initialBackoffMs;
      // A default cap below an explicit backoff would silently flatten it, so the cap follows it up.
      const maxBackoffMs = r.maxBackoff ?? Math.max(STEP_DEFAULTS.retries.maxBackoffMs, initialBackoffMs);
      if (maxBackoffMs < initialBackoffMs) ctx.addIssue({ code: 'custom', path: ['maxBackoff'], message: `maxBackoff (${formatDuration(maxBackoffMs)}) must be at least backoff (${formatDuration(initialBackoffMs)})` });
      return { max: r.max, initialBackoffMs, maxBackoffMs };
    }),
);

/** `researcher` or `researcher@1.2.0`. */
const AgentRef = z.string().transform((value, ctx) => {
  const [name, version, ...rest] = value.split('@');
  if (rest.length > 0 || !Name.safeParse(name).success || (version !== undefined && !SemVer.safeParse(version).success)) {
    ctx.addIssue({ code: 'custom', message: `agent "${value}" must be a lower-case name, optionally pinned to a semantic version (e.g. researcher or researcher@1.0.0)` });
    return z.NEVER;
  }
  return version === undefined ? { name } : { name, version };
});

const OnFailureField = z.union([z.literal('fail'), z.literal('skip'), z.strictObject({ compensate: Name })], { error: 'onFailure must be fail, skip or { compensate: <compensation id> }' });

const compensationFields = {
  id: Name,
  capability: Name.optional(),
  agent: AgentRef.optional(),
  input: JsonObject.optional(),
  timeout: Timeout.optional(),
  retries: Retries.optional(),
};
const hasTarget = (step: { capability?: string; agent?: unknown }) => step.capability !== undefined || step.agent !== undefined;
const TARGET_MISSING = 'a step needs a capability or an agent (or both)';

const CompensationDocument = z.strictObject(compensationFields).refine(hasTarget, TARGET_MISSING);
/** `wait: { signal: <name> }`: a step no agent runs, completed by a signal of that name (`agentos signal`) or failed at its timeout. */
const StepDocument = z
  .strictObject({ ...compensationFields, needs: z.array(Name).optional(), onFailure: OnFailureField.optional(), wait: z.strictObject({ signal: Name }).optional() })
  .refine((step) => step.wait !== undefined || hasTarget(step), TARGET_MISSING)
  .refine((step) => step.wait === undefined || (!hasTarget(step) && step.input === undefined), 'a wait step runs no agent: it takes no capability, agent or input');
type StepDocument = z.output<typeof StepDocument>;

type CompensationDocument = z.output<typeof CompensationDocument>;

function normaliseCompensation(step: CompensationDocument): CompensationStep {
  const target: StepTarget = {};
  if (step.capability !== undefined) target.capability = step.capability;
  if (step.agent !== undefined) target.agent = step.agent;
  return { id: step.id, target, input: step.input ?? {}, timeoutMs: step.timeout ?? STEP_DEFAULTS.timeoutMs, retries: step.retries ?? { ...STEP_DEFAULTS.retries } };
}

function normaliseStep(step: StepDocument): WorkflowStep {
  const { target, ...common } = normaliseCompensation(step);
  return { ...common, ...(step.wait ? { wait: step.wait } : { target }), needs: step.needs ?? [], onFailure: normaliseOnFailure(step.onFailure) };
}

function normaliseOnFailure(value: z.output<typeof OnFailureField> | undefined): OnFailure {
  if (value === undefined || value === 'fail') return { kind: 'fail' };
  if (value === 'skip') return { kind: 'skip' };
  return { kind: 'compensate', step: value.compensate };
}

/**
 * The workflow document as people write it (YAML or JSON), turned into the wire form. Objects are
 * strict so that a misspelt key is an error rather than a silently ignored setting.
 */
export const WorkflowDocument = z
  .strictObject({
    name: Name,
    description: z.string().max(2_000).optional(),
    priority: Priority.optional(),
    steps: z.array(StepDocument).min(1, 'a workflow needs at least one step').max(500),
    compensations: z.array(CompensationDocument).max(100).optional(),
    output: JsonObject.optional(),
  })
  .transform((doc): WorkflowDefinition => {
    const definition: WorkflowDefinition = {
      name: doc.name,
      priority: doc.priority ?? 'normal',
      steps: doc.steps.map(normaliseStep),
      compensations: (doc.compensations ?? []).map(normaliseCompensation),
    };
    if (doc.description !== undefined) definition.description = doc.description;
    if (doc.output !== undefined) definition.output = doc.output;
    return definition;
  });
