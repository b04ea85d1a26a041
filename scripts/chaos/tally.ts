import type { Envelope } from '@agentos/contracts';
import { BUSINESS_FAILURE } from './workflows';

export type RunKind = 'intent' | 'workflow';

/** What became of one kind of run (intents, or workflows). */
export interface RunTally {
  submitted: number;
  completed: number;
  /** Failed or rejected: for a reason the chaos caused, or on purpose (the compensation example's declined charge). */
  failed: number;
  rejected: number;
  /** Failed or rejected for anything but a failure the workflow asked for: what the chaos did. */
  failedForInfrastructure: number;
  failedOnPurpose: number;
  /** Never settled. */
  lost: number;
  /** For lost runs: the last event recorded for them. */
  lostAt: Record<string, number>;
  /** Steps whose side effect ran more than once. */
  twice: number;
  failures: Record<string, number>;
  /** Submit → settled, heard live during the chaos. */
  latencyMs: { p50: number; p99: number; max: number };
}

export interface RunRecord {
  kind: RunKind;
  /** The settling event read back from the event store, if any. */
  ending?: Envelope;
  /** For a run that never settled: the last event recorded for it. */
  lastEvent?: string;
  latencyMs?: number;
  /** Runs of its steps' side effects, by step. */
  effects: Map<string, number>;
}

const percentile = (sorted: number[], p: number) => (sorted.length === 0 ? 0 : sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]);
const bump = (record: Record<string, number>, key: string) => (record[key] = (record[key] ?? 0) + 1);

export function tally(runs: RunRecord[]): RunTally {
  const result: RunTally = { submitted: runs.length, completed: 0, failed: 0, rejected: 0, failedForInfrastructure: 0, failedOnPurpose: 0, lost: 0, lostAt: {}, twice: 0, failures: {}, latencyMs: { p50: 0, p99: 0, max: 0 } };
  for (const run of runs) {
    result.twice += [...run.effects.values()].filter((count) => count > 1).length;
    if (!run.ending) {
      result.lost += 1;
      bump(result.lostAt, run.lastEvent ?? 'nothing recorded');
      continue;
    }
    if (/Completed$/.test(run.ending.type)) {
      result.completed += 1;
      continue;
    }
    if (/Rejected$/.test(run.ending.type)) result.rejected += 1;
    else result.failed += 1;
    const reason = String((run.ending.payload as { reason?: string }).reason);
    bump(result.failures, reason);
    if (BUSINESS_FAILURE.test(reason)) result.failedOnPurpose += 1;
    else result.failedForInfrastructure += 1;
  }
  const latencies = runs.flatMap((run) => (run.latencyMs === undefined ? [] : [run.latencyMs])).sort((a, b) => a - b);
  result.latencyMs = { p50: percentile(latencies, 50), p99: percentile(latencies, 99), max: latencies.at(-1) ?? 0 };
  return result;
}
