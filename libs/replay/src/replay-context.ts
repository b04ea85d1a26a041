import { idempotencyKeyOf, reviveError, type AgentContext } from '@agentos/agent-sdk';
import { asRecorded, type PayloadOf, type RecordedCall } from '@agentos/contracts';
import canonicalize from 'canonicalize';

/** The agent's code asked for something other than what it asked for when it ran. */
export class CallDivergence extends Error {
  override name = 'CallDivergence';
  constructor(readonly index: number, readonly expected: RecordedCall | undefined, readonly actual: { kind: string; name: string; request: unknown }) {
    super(
      expected
        ? `call #${index}: recorded ${expected.kind}.${expected.name} ${canonicalize(expected.request)}, now ${actual.kind}.${actual.name} ${canonicalize(actual.request)}`
        : `call #${index}: ${actual.kind}.${actual.name} ${canonicalize(actual.request)} was not made when the task ran`,
    );
  }
}


/**
 * An agent context that answers from a recorded run: each call must match the next recorded one
 * (kind, name and arguments) and gets the recorded answer or error. No live calls; progress and
 * usage reports go nowhere. `used` says how many recorded calls the code consumed.
 */
export function replayContext(task: PayloadOf<'TaskAssigned'>, tenant: string, calls: readonly RecordedCall[]): { ctx: AgentContext; used(): number } {
  let next = calls.findIndex((c) => c.kind !== 'input');
  if (next < 0) next = calls.length;
  const answer = (kind: string, name: string, args: unknown[]): unknown => {
    const expected = calls[next];
    const actual = { kind, name, request: asRecorded(args ?? null) };
    if (!expected || expected.kind !== kind || expected.name !== name || canonicalize(expected.request) !== canonicalize(actual.request)) throw new CallDivergence(next, expected, actual);
    next += 1;
    if (expected.error) throw reviveError(expected.error);
    return expected.response;
  };
  const recordedAs = <T extends object>(kind: string) =>
    new Proxy({} as T, { get: (_, property) => async (...args: unknown[]) => answer(kind, String(property), args) });
  const policy = recordedAs<AgentContext['policy']>('policy');
  const screening = recordedAs<{ screen(text: string, source: string): Promise<string> }>('screen');
  const features = recordedAs<{ enabled(name: string): Promise<boolean> }>('feature');
  const ctx: AgentContext = {
    task,
    tenant,
    idempotencyKey: idempotencyKeyOf(task),
    signal: new AbortController().signal,
    policy,
    screen: (text, source) => screening.screen(text, source),
    feature: (name) => features.enabled(name),
    memory: recordedAs('memory'),
    llm: recordedAs('llm'),
    tools: recordedAs('tools'),
    secrets: recordedAs('secrets'),
    usage: { record: async () => undefined },
    emit: async () => undefined,
  };
  return { ctx, used: () => next };
}
