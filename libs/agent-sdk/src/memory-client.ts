import { parkedWriteArguments, type ContentLabel, type MemoryScope, type MessageOf, type PayloadInput, type PolicyAction, type QueryType, type ReplyOf } from '@agentos/contracts';
import { markUntrusted } from '@agentos/policy-engine';

export type Ask = <T extends QueryType>(query: MessageOf<T>, timeoutMs?: number) => Promise<ReplyOf<T>>;

export class MemoryConflictError extends Error {
  override name = 'MemoryConflictError';
  constructor(readonly key: string, readonly currentRevision: number) {
    super(`memory ${key} changed: it is at revision ${currentRevision}`);
  }
}

export class MemoryWriteRefusedError extends Error {
  override name = 'MemoryWriteRefusedError';
}

export interface MemoryOptions {
  /** Default: the workflow (this run). */
  scope?: MemoryScope;
  /** Default: the intent for workflow scope, the agent's name for agent scope, "default" otherwise. */
  scopeId?: string;
}

export interface AgentMemory {
  get(key: string, options?: MemoryOptions): Promise<ReplyOf<'GetMemory'>>;
  /** Returns the new revision; throws MemoryConflictError when expectedRevision no longer holds. */
  put(key: string, value: unknown, options?: MemoryOptions & { expectedRevision?: number; ttlSeconds?: number; classification?: string }): Promise<number>;
  delete(key: string, options?: MemoryOptions & { expectedRevision?: number }): Promise<void>;
  list(prefix?: string, options?: MemoryOptions): Promise<ReplyOf<'ListMemory'>['entries']>;
  note(text: string, options?: MemoryOptions & { tags?: string[] }): Promise<string>;
  search(query: string, options?: MemoryOptions & { limit?: number }): Promise<ReplyOf<'SearchNotes'>['hits']>;
  /**
   * Prompt context from notes of the scopes policy lets this agent read. Notes written by anyone
   * else are untrusted and arrive wrapped in untrusted-content markers; refused scopes are skipped.
   */
  context(query: string, scopes?: MemoryScope[]): Promise<string>;
}

export interface MemoryClientSettings {
  ask: Ask;
  /** Builds each request; the SDK makes them caused by the task, so stored values name it in their provenance. */
  compose: <T extends QueryType>(type: T, payload: PayloadInput<T>) => MessageOf<T>;
  /** `<name>@<version>`: notes this agent wrote itself are trusted. */
  self: string;
  agentName: string;
  intentId: string;
  /** Screens untrusted text; rejects when policy quarantines it. */
  screen(text: string, source: string): Promise<string>;
  /** Labels what the agent read: its own scope's memory, shared memory, or another's note. */
  label(label: ContentLabel): void;
  /** Parks a call a policy rule says needs approval until an approver decides: resolves with its approval id once approved, rejects otherwise. */
  park(action: PolicyAction, resource: { kind: string; name: string }, args: Record<string, unknown>, verdict: { rule: string | null; reason: string }): Promise<string>;
}

/** The agent SDK's view of the memory service; every call is checked there by scope rules and policy. */
export function memoryClient(settings: MemoryClientSettings): AgentMemory {
  const { ask, compose, agentName, intentId } = settings;
  const area = (options: MemoryOptions = {}) => {
    const scope = options.scope ?? 'workflow';
    const scopeId = options.scopeId ?? (scope === 'workflow' ? intentId : scope === 'agent' ? agentName : 'default');
    return { scope, scopeId };
  };
  const query = <T extends QueryType>(type: T, payload: PayloadInput<T>) => ask(compose(type, payload));
  /** What a read brings into the context: the agent's private scope is its own; any other scope others may write. */
  const read = <R>(where: { scope: MemoryScope; scopeId: string }, answer: Promise<R>) =>
    answer.then((value) => {
      settings.label({ origin: where.scope === 'agent' ? 'own_memory' : 'shared_memory', source: `memory:${where.scope}/${where.scopeId}` });
      return value;
    });
  const outcome = (key: string, result: ReplyOf<'WriteMemory'>) => {
    if (result.status === 'written') return result.revision;
    if (result.status === 'needs-approval') throw new MemoryWriteRefusedError(`memory write ${key} needs approval: ${result.reason}`);
    if (result.status === 'conflict') throw new MemoryConflictError(key, result.currentRevision);
    if (result.status === 'denied') throw new MemoryWriteRefusedError(`memory write ${key} denied: ${result.reason}`);
    throw new MemoryWriteRefusedError(`memory write ${key} refused: ${result.bytes} bytes is over the limit of ${result.limit}`);
  };

  const memory: AgentMemory = {
    get: (key, options) => read(area(options), query('GetMemory', { ...area(options), key })),
    async put(key, value, options = {}) {
      const write = { ...area(options), key, value, expectedRevision: options.expectedRevision, ttlSeconds: options.ttlSeconds, classification: options.classification, intentId };
      const result = await query('WriteMemory', write);
      if (result.status !== 'needs-approval') return outcome(key, result);
      // Parked in the run until an approver decides; approved, the same write goes again naming its approval.
      const approvalId = await settings.park('memory.write', { kind: 'memory', name: write.scope }, parkedWriteArguments(write), result);
      return outcome(key, await query('WriteMemory', { ...write, approvalId }));
    },
    delete: async (key, options = {}) => void outcome(key, await query('DeleteMemory', { ...area(options), key, expectedRevision: options.expectedRevision })),
    list: async (prefix = '', options) => (await read(area(options), query('ListMemory', { ...area(options), prefix }))).entries,
    note: async (text, options = {}) => (await query('AppendNote', { ...area(options), text, tags: options.tags ?? [] })).noteId,
    search: async (text, options = {}) => (await read(area(options), query('SearchNotes', { ...area(options), query: text, limit: options.limit ?? 10 }))).hits,
    async context(text, scopes = ['workflow', 'agent', 'tenant']) {
      const parts: string[] = [];
      for (const scope of scopes) {
        const hits = await memory.search(text, { scope }).catch(() => []); // a scope policy refuses adds nothing
        for (const hit of hits) {
          if (hit.provenance.writtenBy === `agent:${settings.self}`) {
            parts.push(hit.text);
            continue;
          }
          settings.label({ origin: 'agent_note', source: `${scope} note by ${hit.provenance.writtenBy}` });
          const screened = await settings.screen(hit.text, `${scope} note by ${hit.provenance.writtenBy}`).catch(() => undefined);
          if (screened !== undefined) parts.push(screened.startsWith('<<<UNTRUSTED') ? screened : markUntrusted(screened, `${scope} note by ${hit.provenance.writtenBy}`));
        }
      }
      return parts.join('\n\n');
    },
  };
  return memory;
}
