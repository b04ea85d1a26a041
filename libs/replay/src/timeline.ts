import type { Envelope, MessageOf } from '@agentos/contracts';
import type { RecordedEvent } from '@agentos/event-store';

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

function summarise(event: Envelope): string {
  const p = event.payload as Record<string, unknown>;
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

/** Plain-text rendering for a terminal. */
export function formatTimeline(entries: readonly TimelineEntry[]): string {
  return entries
    .map((e) => {
      const who = e.agent ? `${e.by} [${e.agent}]` : e.by;
      const rule = e.rule !== undefined ? ` rule=${e.rule}` : '';
      return `#${String(e.revision).padStart(3)} ${e.at}  ${'  '.repeat(e.depth)}${e.type.padEnd(22)} ${who}${rule}  ${e.summary}`;
    })
    .join('\n');
}
