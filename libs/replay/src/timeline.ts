import type { Envelope, MessageOf, PayloadOf } from '@agentos/contracts';
import { erasedAsText, type RecordedEvent } from '@agentos/event-store';

export interface TimelineEntry {
  revision: number;
  at: string;
  /** The service or agent that recorded it. */
  by: string;
  type: string;
  /** agent@version, where the event concerns an agent. */
  agent?: string;
  /** The policy rule behind a decision. */
  rule?: string | null;
  summary: string;
  /** Depth in the causation tree of this history (0 = caused from outside it). */
  depth: number;
  causationId: string | null;
}

const MAX_SUMMARY = 120;
/** A terminal line's room for the summary before it wraps onto the next line. */
const WRAP_AT = 100;

/** A reset as its parent records it: the new run, the step, what it reuses and the agent version it pins (the CLI says the same). */
export function describeFork(fork: Pick<PayloadOf<'RunForked'>, 'newRunId' | 'fromStep' | 'agent' | 'policyBundle'> & { reused: object | string }): string {
  const pin = `${fork.agent ? `, on ${fork.agent.name}@${fork.agent.version}` : ''}${fork.policyBundle ? `, under policy bundle ${fork.policyBundle}` : ''}`;
  // The reused outputs are tenant data: once erased they read as one string.
  const reused = typeof fork.reused === 'string' ? fork.reused : Object.keys(fork.reused).join(', ') || 'nothing';
  return `new run ${fork.newRunId} from step ${fork.fromStep}, reusing ${reused}${pin}`;
}

/**
 * The payload as a summary reads it: data still sealed (its tenant purged, its period past retention, or no key at
 * hand) reads as [erased]. A payload field is sealed whole (TENANT_DATA_FIELDS), so its top level is looked at here
 * and what is printed nested goes through erasedAsText (a tool call's sealed request inside `calls`). Not a deep copy
 * of every payload: a decision's recorded input holds the agent catalogue, and copying it was most of a replay's
 * timeline.
 */
const readable = (payload: unknown) => Object.fromEntries(Object.entries(payload as Record<string, unknown>).map(([key, value]) => [key, erasedAsText(key, value)]));
const printed = (value: unknown) => JSON.stringify(value, erasedAsText);

function summarise(event: Envelope): string {
  const p = readable(event.payload);
  switch (event.type) {
    case 'IntentSubmitted':
      return `"${p.goal}" needs ${p.capability}`;
    case 'PolicyCheckRequested':
    case 'PolicyDecided': {
      const resource = p.resource as { kind: string; name: string };
      return event.type === 'PolicyDecided' ? `${p.action} on ${resource.kind} ${resource.name}: ${p.effect} (${p.reason})` : `${p.action} on ${resource.kind} ${resource.name}?`;
    }
    case 'DecisionInputRecorded':
      return `input of the ${p.decider} decider`;
    case 'RunOwnerChanged':
      return `decided from here on by orchestrator replica ${p.owner} (partition ${p.partition})`;
    case 'IntentCompleted':
    case 'TaskCompleted':
      return `output ${printed(p.output)}`;
    // A failure's text is its root cause: never cut (formatTimeline wraps it).
    case 'TaskFailed':
    case 'StepFailed':
      return `step ${p.stepId} attempt ${p.attempt}${p.retryable === false ? ' (not retryable)' : ''}: ${p.error}`;
    case 'StepRetryScheduled':
      return `step ${p.stepId} attempt ${p.attempt} in ${p.delayMs} ms after: ${p.error}`;
    // A reset run and its parent name each other, so either history leads to the other.
    case 'WorkflowStarted': {
      const forkedFrom = (event as MessageOf<'WorkflowStarted'>).payload.forkedFrom;
      const pin = `${forkedFrom?.agent ? ` on ${forkedFrom.agent.name}@${forkedFrom.agent.version}` : ''}${forkedFrom?.policyBundle ? ` under policy bundle ${forkedFrom.policyBundle}` : ''}`;
      return `${(p.definition as { name: string }).name}${forkedFrom ? `, forked from run ${forkedFrom.runId} at step ${forkedFrom.step}${pin}` : ''}`;
    }
    case 'RunForked':
      return describeFork(p as Parameters<typeof describeFork>[0]);
    case 'StepReused':
      return `step ${p.stepId}: output of run ${p.fromRun} ${printed(p.output)}`;
    case 'IntentFailed':
    case 'WorkflowFailed':
      return `${p.failedStep ? `step ${p.failedStep}: ` : ''}${p.reason}`;
    default: {
      const text = printed(p);
      return text.length > MAX_SUMMARY ? `${text.slice(0, MAX_SUMMARY - 1)}…` : text;
    }
  }
}

function agentOf(event: Envelope): string | undefined {
  const p = event.payload as { agent?: string; agentVersion?: string };
  if (p.agent && p.agentVersion) return `${p.agent}@${p.agentVersion}`;
  return event.actor.kind === 'agent' ? event.actor.id : undefined;
}

/** Each recorded event with who, what and why, indented by its place in the causation tree. */
export function timeline(records: readonly RecordedEvent[]): TimelineEntry[] {
  const depth = new Map<string, number>();
  return records.map(({ revision, event }) => {
    const level = event.causationId && depth.has(event.causationId) ? (depth.get(event.causationId) as number) + 1 : 0;
    depth.set(event.id, level);
    return {
      revision,
      at: event.occurredAt,
      by: `${event.actor.kind}:${event.actor.id}`,
      type: event.type,
      agent: agentOf(event),
      rule: event.type === 'PolicyDecided' ? (event as MessageOf<'PolicyDecided'>).payload.rule : undefined,
      summary: summarise(event),
      depth: level,
      causationId: event.causationId,
    };
  });
}

/** Cuts text into lines of at most `width` characters, at spaces where it can. */
export function wrap(text: string, width: number): string[] {
  const lines: string[] = [];
  let rest = text;
  while (rest.length > width) {
    const space = rest.lastIndexOf(' ', width);
    const cut = space > width / 2 ? space : width;
    lines.push(rest.slice(0, cut));
    rest = rest.slice(cut).trimStart();
  }
  return [...lines, rest];
}

/** Plain-text rendering for a terminal; a long summary continues on indented lines. */
export function formatTimeline(entries: readonly TimelineEntry[]): string {
  return entries
    .map((e) => {
      const who = e.agent ? `${e.by} [${e.agent}]` : e.by;
      const rule = e.rule !== undefined ? ` rule=${e.rule}` : '';
      const head = `#${String(e.revision).padStart(3)} ${e.at}  ${'  '.repeat(e.depth)}${e.type.padEnd(22)} ${who}${rule}  `;
      const [first, ...more] = wrap(e.summary, WRAP_AT);
      return [head + first, ...more.map((line) => `${' '.repeat(6)}${line}`)].join('\n');
    })
    .join('\n');
}
