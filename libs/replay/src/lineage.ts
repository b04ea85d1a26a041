import type { Envelope, MessageOf } from '@agentos/contracts';
import type { RecordedEvent } from '@agentos/event-store';

export type LineageKind = 'intent' | 'task' | 'policy' | 'memory' | 'agent-decision' | 'usage' | 'record' | 'command';

export interface LineageNode {
  id: string;
  type: string;
  kind: LineageKind;
  by: string;
  at: string;
  revision?: number;
}

export interface LineageGraph {
  nodes: LineageNode[];
  /** cause → effect, from causation ids. */
  edges: { from: string; to: string }[];
}

const kindOf = (type: string): LineageKind => {
  if (type.startsWith('Intent') || type.startsWith('Workflow') || type.startsWith('Step') || type === 'ApprovalRequested') return 'intent';
  if (['TaskQueued', 'TaskAssigned', 'TaskExpired'].includes(type)) return 'task';
  if (type.startsWith('Task')) return 'agent-decision';
  if (type.startsWith('Policy') || type === 'BudgetExhausted' || type === 'ContentFlagged') return 'policy';
  if (type.startsWith('Memory') || type === 'NoteAppended') return 'memory';
  if (type === 'UsageRecorded') return 'usage';
  return 'record';
};

/**
 * The graph of a workflow: intents, tasks, agent decisions, policy decisions and memory writes, linked
 * by causation. Commands that started something are not stored as events, but their recorded decider
 * inputs carry them, so they appear as nodes too.
 */
export function lineage(...histories: readonly RecordedEvent[][]): LineageGraph {
  const nodes = new Map<string, LineageNode>();
  const edges: { from: string; to: string }[] = [];
  const add = (event: Envelope, kind: LineageKind, revision?: number) => {
    if (nodes.has(event.id)) return;
    nodes.set(event.id, { id: event.id, type: event.type, kind, by: `${event.actor.kind}:${event.actor.id}`, at: event.occurredAt, revision });
    if (event.causationId) edges.push({ from: event.causationId, to: event.id });
    // Memory is written through a request that is not itself recorded; its provenance names the task.
    const provenance = (event.payload as { provenance?: { causationId: string | null } }).provenance;
    if (provenance?.causationId) edges.push({ from: provenance.causationId, to: event.id });
  };
  for (const records of histories) {
    for (const { event, revision } of records) {
      if (event.type === 'DecisionInputRecorded') {
        const cause = ((event as MessageOf<'DecisionInputRecorded'>).payload.input as { message?: Envelope }).message;
        if (cause) add(cause, 'command');
        continue; // a record about a decision, not a step of the workflow
      }
      add(event, kindOf(event.type), revision);
    }
  }
  return { nodes: [...nodes.values()].sort((a, b) => a.at.localeCompare(b.at)), edges: edges.filter((e) => nodes.has(e.from)) };
}
