/**
 * A run's failure reason is free text (it quotes the agent's error), so as a metric label it would
 * make one series per failure. It is reduced to a fixed set of kinds, in the order the orchestrator's
 * own wording makes them distinguishable (libs/orchestration steps.ts and orchestration.decider.ts).
 */
const KINDS: [kind: string, pattern: RegExp][] = [
  ['compensation-failed', /; compensation \S+ failed too:/],
  ['policy-denied', /policy denied /],
  ['needs-approval', /policy requires approval /],
  ['kill-switch', /kill switch \(/],
  ['budget-spent', /budget spent: /],
  ['timed-out', /timed out after \d+ ms/],
  ['no-agent', /no registered agent offers /],
  ['step-failed', /^(step \S+|task) failed: /],
];

/** The kind of a run's failure reason: one of KINDS' names, or `other`. */
export function failureReason(reason: string): string {
  return KINDS.find(([, pattern]) => pattern.test(reason))?.[0] ?? 'other';
}
