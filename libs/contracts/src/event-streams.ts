/**
 * Every event-store stream of AgentOS, by what it holds and who writes it (a stream has one writer: two would
 * race on its revisions). Apps and libs name streams only through this table, so each name is spelled once.
 * The names are part of recorded histories: changing one hides every stream already written under it.
 */
export const EVENT_STREAMS = {
  /** A run's history (intent or workflow), its decisions and the facts that led to them: the orchestrator's. */
  run: (runId: string) => `${RUN_STREAM_PREFIX}${runId}`,
  /** Writes and deletions of one memory area, values included: memory's. */
  memory: (area: TenantMemoryArea) => `memory-${area.tenant}.${area.scope}.${area.scopeId}`,
  /** The notes of one memory area: memory's. */
  notes: (area: TenantMemoryArea) => `notes-${area.tenant}.${area.scope}.${area.scopeId}`,
  /** Policy's decisions for a tenant (a run's are also in the run's history, recorded by the orchestrator). */
  policyDecisions: (tenant: string) => `policy-${tenant}`,
  /** Budgets a tenant's runs or the tenant itself exhausted: policy's. */
  budgets: (tenant: string) => `budgets-${tenant}`,
  /** Content screening flagged for a tenant: policy's. */
  screening: (tenant: string) => `screening-${tenant}`,
  /** Bundles published and rejected: policy's. */
  policyBundles: () => 'policy-bundles',
  /** Kill switches thrown and released: policy's. */
  killSwitches: () => 'kill-switches',
  /** An agent name's registrations and dropped instances: the registry's. */
  agent: (name: string) => `agent-${name}`,
  /** Processes started and stopped for an agent (or a template): the orchestrator's supervisor's. */
  supervision: (agentOrTemplate: string) => `supervision-${agentOrTemplate}`,
  /** Refused terminations of one instance: the orchestrator's supervisor's. */
  supervisedInstance: (instanceId: string) => `supervision-instance-${instanceId}`,
  /** A schedule's life and every tick it fired: the orchestrator's. */
  schedule: (scheduleId: string) => `schedule-${scheduleId}`,
  /** Every retention pass that erased data (`RetentionApplied`): the audit job's. */
  retention: () => 'audit-retention',
} as const;

/** What every run stream's name starts with (listing runs reads the streams by it). */
export const RUN_STREAM_PREFIX = 'workflow-';

/** The memory area (of a tenant) a memory or notes stream is about. */
interface TenantMemoryArea {
  tenant: string;
  scope: string;
  scopeId: string;
}
