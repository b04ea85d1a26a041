import { createMessage, decodeMessage, newId, type AnyMessage, type MessageOf, type PayloadInput, type RunSelector } from '@agentos/contracts';
import type { Watch } from '@agentos/client';
import { describeFork } from '@agentos/replay';
import { follow, watchAll } from '../follow';
import type { Output } from '../output';
import type { Session } from '../session';

/** Commands on a run under way; ApproveIntent and RejectIntent here decide a call parked inside it. */
export type RunControl = 'CancelRun' | 'PauseRuns' | 'ResumeRuns' | 'RetryRun' | 'ResetRun' | 'SignalRun' | 'ApproveIntent' | 'RejectIntent';

/** The fact that says a command took effect (a cancellation: once its compensations ran). */
const DONE: Record<RunControl, string> = { CancelRun: 'RunCancelled', PauseRuns: 'RunPaused', ResumeRuns: 'RunResumed', RetryRun: 'RunRetried', ResetRun: 'RunForked', SignalRun: 'SignalReceived', ApproveIntent: 'CallApproved', RejectIntent: 'CallRejected' };

function describe(message: AnyMessage): string {
  const p = message.payload as Record<string, unknown>;
  switch (message.type) {
    case 'RunCommandRefused':
      return `refused: ${p.reason}`;
    case 'RunCancellationStarted':
      return `by ${p.cancelledBy}: ${p.reason}${(p.compensations as string[]).length ? `; compensating with ${(p.compensations as string[]).join(', ')}` : ''}`;
    case 'RunCancelled':
      return `by ${p.cancelledBy}: ${p.reason}`;
    case 'RunForked':
      return describeFork((message as MessageOf<'RunForked'>).payload);
    case 'CallApproved':
      return `${p.approvalId} by ${p.approver}`;
    case 'CallRejected':
      return `${p.approvalId}: ${p.reason}`;
    case 'SignalReceived':
      return `${p.signal} from ${p.sentBy} for step ${p.stepId}`;
    case 'RunPaused':
    case 'RunResumed':
    case 'RunRetried':
      return `run ${p.runId}${p.steps ? ` from ${(p.steps as string[]).join(', ')}` : ''}`;
    default:
      return '';
  }
}

/**
 * A reset of a run to a step, as a new run of its own id; `agent` (`name@version`) pins the steps it serves to that
 * version, `policy` the new run to that policy bundle version.
 */
export function resetOf(runId: string, options: { to: string; reason?: string; agent?: string; policy?: string }): PayloadInput<'ResetRun'> {
  const { to, reason, agent, policy } = options;
  const pin = agent === undefined ? undefined : /^([^@\s]+)@(\S+)$/.exec(agent);
  if (agent !== undefined && !pin) throw new Error(`--agent takes name@version (e.g. shipper@2.0.0), not "${agent}"`);
  return { runId, toStep: to, newRunId: newId(), ...(reason ? { reason } : {}), ...(pin ? { agent: { name: pin[1], version: pin[2] } } : {}), ...(policy ? { policyBundle: policy } : {}) };
}

/** The data of a signal: a JSON object given on the command line. */
export function signalData(json: string | undefined): Record<string, unknown> {
  if (json === undefined) return {};
  let data: unknown;
  try {
    data = JSON.parse(json);
  } catch (error) {
    throw new Error(`the signal's data must be JSON: ${(error as Error).message}`);
  }
  if (data === null || typeof data !== 'object' || Array.isArray(data)) throw new Error('the signal\'s data must be a JSON object, e.g. {"approved": true}');
  return data as Record<string, unknown>;
}

/** The run selector of `--workflow <name>`, `--all` (every open run of the tenant), or one run id. */
export function selectorOf(runId: string | undefined, options: { workflow?: string; all?: boolean }): RunSelector {
  const given = [runId, options.workflow, options.all].filter(Boolean).length;
  if (given !== 1) throw new Error('name exactly one of: a run id, --workflow <name>, --all');
  if (options.workflow) return { kind: 'workflow', name: options.workflow };
  return options.all ? { kind: 'tenant' } : { kind: 'run', runId: runId! };
}

/**
 * Sends a command on a run and follows what the orchestrator made of it: exit 0 once it took effect, 1 when
 * it was refused (the reason is printed). A command on many runs prints each run it covered, for `waitSeconds`.
 */
export async function controlRun<T extends RunControl>(session: Session, type: T, payload: PayloadInput<T>, options: { timeoutSeconds: number }, out: Output): Promise<number> {
  const command = createMessage(type, payload, session.origin);
  const watch = await watchAll(session);
  await session.client.publishMessage(command as never);
  out.line(`sent ${type} as ${session.settings.user}@${session.settings.tenant}`);
  const select = (command.payload as { select?: RunSelector }).select;
  if (select && select.kind !== 'run') return covered(watch, command.correlationId, DONE[type], options.timeoutSeconds, out);
  const { runId, intentId } = command.payload as { runId?: string; intentId?: string };
  const what = `${type} of run ${runId ?? intentId ?? (select as { runId: string }).runId}`;
  const outcome = await follow(watch, command.correlationId, { settled: [DONE[type], 'RunCommandRefused'], describe, timeoutSeconds: options.timeoutSeconds, what }, out);
  return outcome.type === 'RunCommandRefused' ? 1 : 0;
}

/** Prints each run a command on many runs took effect on, heard within `seconds`. */
async function covered(watch: Watch, correlationId: string, done: string, seconds: number, out: Output): Promise<number> {
  const timer = setTimeout(() => watch.unsubscribe(), seconds * 1000);
  const runs: string[] = [];
  for await (const raw of watch) {
    const parsed = decodeMessage(raw.data);
    if (!parsed.ok || parsed.message.correlationId !== correlationId || parsed.message.type !== done) continue;
    runs.push((parsed.message.payload as { runId: string }).runId);
    out.line(`${done.padEnd(18)} ${describe(parsed.message)}`);
  }
  clearTimeout(timer);
  out.data({ [done]: runs });
  out.line(`${runs.length} run(s) within ${seconds} s`);
  return 0;
}
