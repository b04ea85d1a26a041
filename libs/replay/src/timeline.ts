import type { Envelope, MessageOf } from '@agentos/contracts';
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

function summarise(event: Envelope): string {
  // Data still sealed (its tenant purged, its period past retention, or no key at hand) reads as [erased].
  const p = JSON.parse(JSON.stringify(event.payload, erasedAsText)) as Record<string, unknown>;
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
    case 'IntentCompleted':
    case 'TaskCompleted':
      return `output ${JSON.stringify(p.output)}`;
    // A failure's text is its root cause: never cut (formatTimeline wraps it).
    case 'TaskFailed':
    case 'StepFailed':
      return `step ${p.stepId} attempt ${p.attempt}${p.retryable === false ? ' (not retryable)' : ''}: ${p.error}`;
    case 'StepRetryScheduled':
      return `step ${p.stepId} attempt ${p.attempt} in ${p.delayMs} ms after: ${p.error}`;
    // A reset run and its parent name each other, so either history leads to the other.
    case 'WorkflowStarted': {
      const forkedFrom = p.forkedFrom as { runId: string; step: string } | undefined;
      return `${(p.definition as { name: string }).name}${forkedFrom ? `, forked from run ${forkedFrom.runId} at step ${forkedFrom.step}` : ''}`;
    }
    case 'RunForked':
      return `new run ${p.newRunId} from step ${p.fromStep}, reusing ${typeof p.reused === 'string' ? p.reused : Object.keys(p.reused as object).join(', ') || 'nothing'}`;
    case 'StepReused':
      return `step ${p.stepId}: output of run ${p.fromRun} ${JSON.stringify(p.output)}`;
    case 'IntentFailed':
    case 'WorkflowFailed':
      return `${p.failedStep ? `step ${p.failedStep}: ` : ''}${p.reason}`;
    default: {
      const text = JSON.stringify(p);
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
