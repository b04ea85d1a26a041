import { EVENT_STREAMS, type Envelope, type MessageOf } from '@agentos/contracts';
import type { Decider } from '@agentos/decider';
import { readKeyRing, verifyChain, verifyStream, type RecordedEvent } from '@agentos/event-store';
import { memoryAsOf } from '@agentos/memory-projection';
import { orchestrationDecider } from '@agentos/orchestration';
import { loadPolicyBundle } from '@agentos/policy-engine';
import { agentsOf, compareFork, formatForkComparison, formatSteps, formatTimeline, historyUpTo, incidentReport, reExecute, reExecuteAgents, reportHtml, stateAt, timeline, whatIf } from '@agentos/replay';
import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { loadHistory } from '../history';
import type { Output } from '../output';
import type { Session } from '../session';

export interface ReplayOptions {
  at?: string;
  verify?: boolean;
  reExecute?: boolean;
  decider?: string;
  /** A module exporting agent definitions: re-run their code on the recorded model, tool and memory answers. */
  agents?: string;
  policy?: string;
  report?: string;
  /** Beside a fork: `true` for this run's last fork, or a fork's id. */
  compare?: boolean | string;
}

/**
 * A module chosen at run time, which may be TypeScript: swc's hook is registered first (the precompiled CLI runs
 * without it), and require() is used because import() would bypass the hook.
 */
function requireModule(path: string): Record<string, unknown> {
  /* eslint-disable @typescript-eslint/no-require-imports */
  require('@swc-node/register');
  return require(resolve(path)) as Record<string, unknown>;
  /* eslint-enable @typescript-eslint/no-require-imports */
}

/** A decider module to re-execute with (to find where changed code decides differently). */
function loadDecider(path: string): Decider<unknown, unknown> {
  const module = requireModule(path);
  const decider = (module.orchestrationDecider ?? module.default ?? Object.values(module).find((v) => typeof v === 'object' && v !== null && 'decide' in v)) as Decider<unknown, unknown> | undefined;
  if (!decider || typeof decider.decide !== 'function') throw new Error(`${path} exports no decider (an object with decide, evolve, initialState, name)`);
  return decider;
}

/**
 * The parent and fork histories to show side by side: a fork beside its parent (always), a parent beside the fork
 * `compare` names or, given `--compare` alone, its last fork. None when the run is neither, unasked.
 */
async function forkPair(session: Session, workflowId: string, records: readonly RecordedEvent[], compare: ReplayOptions['compare']): Promise<[Envelope[], Envelope[]] | undefined> {
  const events = records.map((r) => r.event);
  const parentId = (events.find((e) => e.type === 'WorkflowStarted') as MessageOf<'WorkflowStarted'> | undefined)?.payload.forkedFrom?.runId;
  if (parentId && (compare === undefined || compare === true)) return [(await loadHistory(session, parentId)).records.map((r) => r.event), events];
  if (compare === undefined) return undefined;
  const forkId = typeof compare === 'string' ? compare : (events.filter((e) => e.type === 'RunForked') as MessageOf<'RunForked'>[]).at(-1)?.payload.newRunId;
  if (!forkId) throw new Error(`run ${workflowId} has no fork to compare with (reset it with agentos runs reset, or name a fork)`);
  return [events, (await loadHistory(session, forkId)).records.map((r) => r.event)];
}

/** Never writes to the live streams: everything here reads the history and computes. Exit 1 on tampering or divergence. */
export async function replay(session: Session, workflowId: string, options: ReplayOptions, out: Output): Promise<number> {
  const { records, missing } = await loadHistory(session, workflowId);
  let exitCode = 0;
  const shown = options.at ? historyUpTo(records, options.at) : records;
  out.line(formatTimeline(timeline(shown)));
  out.data({ timeline: timeline(shown) });

  const pair = await forkPair(session, workflowId, records, options.compare);
  if (pair) {
    const comparison = compareFork(...pair);
    out.line(`\n${formatForkComparison(comparison)}`);
    out.data({ compare: comparison });
  }

  if (options.at) {
    const state = stateAt(records, options.at);
    const first = records[0].event as Envelope;
    const memoryEvents = (await session.store.readStream(EVENT_STREAMS.memory({ tenant: first.tenant, scope: 'workflow', scopeId: workflowId }))).map((r) => r.event);
    const memory = Object.fromEntries([...memoryAsOf(memoryEvents, state.at)].map(([key, v]) => [key, v.value]));
    out.line(`\nstate at #${state.revision} (${state.at}): ${state.state.status}; spent ${JSON.stringify(state.spent)}; memory ${JSON.stringify(memory)}`);
    out.line(formatSteps(state.state).join('\n'));
    out.data({ at: state, memory });
  }

  // Signatures need the published keys (from NATS); the chain alone is checked without them (the timeline's report).
  const verifying = options.verify || options.report;
  const chain = verifying ? verifyStream(records, await readKeyRing(session.connector)) : verifyChain(records);
  if (verifying) {
    out.line(chain.ok ? `\nhash chain intact and signed by its writer: ${chain.events} events` : `\nTAMPERED: event #${chain.revision} (${chain.eventId}): ${chain.reason}`);
    if (missing) out.line(`TRUNCATED: revisions ${missing} missing`);
    out.data({ verify: chain, missing });
    if (!chain.ok || missing) exitCode = 1;
  }

  let divergence;
  if (options.reExecute || options.decider) {
    const result = reExecute(records, options.decider ? loadDecider(options.decider) : (orchestrationDecider as Decider<unknown, unknown>));
    divergence = result.divergence;
    if (divergence) {
      out.line(`\nDIVERGENCE at event #${divergence.revision} (input of ${divergence.causeType}):\n  recorded:   ${JSON.stringify(divergence.recorded)}\n  recomputed: ${JSON.stringify(divergence.recomputed)}`);
      exitCode = 1;
    } else {
      out.line(`\nre-executed ${result.decisions} decisions: same as recorded`);
    }
    out.data({ reExecute: result });
  }

  if (options.agents) {
    const agents = agentsOf(requireModule(options.agents));
    if (Object.keys(agents).length === 0) throw new Error(`${options.agents} exports no agent definitions (objects with a name and a handle function)`);
    const result = await reExecuteAgents(records, agents);
    const skipped = result.skipped.length > 0 ? ` (not re-run, agent not given: ${result.skipped.join(', ')})` : '';
    if (result.divergence) {
      const d = result.divergence;
      out.line(`\nAGENT DIVERGENCE at event #${d.revision} (step ${d.stepId}, attempt ${d.attempt}, agent ${d.agent}): ${d.reason}`);
      exitCode = 1;
    } else {
      out.line(`\nre-ran ${result.tasks} agent tasks against their recorded calls: same as recorded${skipped}`);
    }
    out.data({ reExecuteAgents: result });
  }

  let changed;
  if (options.policy) {
    const result = whatIf(records, loadPolicyBundle(options.policy));
    changed = result.changed;
    out.line(`\nwhat if ${options.policy}: ${changed.length} of ${result.decisions} policy decisions would change`);
    for (const c of changed) out.line(`  #${c.revision} ${c.action} on ${c.resource}: ${c.recorded.effect} (${c.recorded.rule ?? 'default'}) → ${c.whatIf.effect} (${c.whatIf.rule ?? 'default'}: ${c.whatIf.reason})`);
    out.data({ whatIf: result });
  }

  if (options.report) {
    const markdown = incidentReport(records, { workflowId, chain, divergence, whatIf: changed });
    const md = options.report.endsWith('.md') ? options.report : `${options.report}.md`;
    const html = md.replace(/\.md$/, '.html');
    writeFileSync(md, markdown);
    writeFileSync(html, reportHtml(markdown, `Incident report: workflow ${workflowId}`));
    out.line(`\nreport written to ${md} and ${html}`);
    out.data({ report: { markdown: md, html } });
  }
  return exitCode;
}
