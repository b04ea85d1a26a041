/**
 * The one service that writes each kind of event-store stream, by name prefix. A signature by another
 * service's key fails verification: a compromised registry key cannot forge a workflow's history.
 */
export const STREAM_WRITERS: Readonly<Record<string, readonly string[]>> = {
  orchestrator: ['workflow-', 'supervision-', 'schedule-'],
  policy: ['policy-', 'budgets-', 'screening-', 'kill-switches'],
  memory: ['memory-', 'notes-'],
  registry: ['agent-'],
  // The anchor log (libs/event-store/src/audit): written by the audit job, whose key no service holds.
  audit: ['audit-'],
};

export const writerOf = (stream: string): string | undefined =>
  Object.entries(STREAM_WRITERS).find(([, prefixes]) => prefixes.some((prefix) => stream.startsWith(prefix)))?.[0];

export const maySign = (service: string, stream: string): boolean => writerOf(stream) === service;
