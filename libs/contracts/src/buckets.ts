const DAY_MS = 24 * 60 * 60 * 1000;
/** How long a service replica's entry in agentos_replicas outlives its last renewal (it renews every REPLICA_RENEW_MS). */
export const REPLICA_ENTRY_TTL_MS = 30_000;
export const REPLICA_RENEW_MS = 5_000;

/**
 * Every JetStream KV bucket of AgentOS, with the settings `agentos bootstrap` gives it. The services and
 * agents open them by these names and check these settings; only bootstrap (the admin) creates or changes them.
 */
export const BUCKETS = {
  agentos_open_runs: { history: 1, description: 'Runs the orchestrator has not finished (resumed after a restart)' },
  agentos_registry: { history: 1, description: 'Registered agent instances' },
  agentos_memory: { history: 5, description: 'Agent memory, a few revisions kept' },
  agentos_policy: { history: 10, description: 'Policy bundles, the last ten kept for rollback' },
  agentos_kill_switches: { history: 1, description: 'Active kill switches' },
  agentos_budgets: { history: 1, description: 'Spend per budget scope' },
  agentos_rate_limits: { history: 1, description: 'Rate-limit token buckets' },
  // Remembered a week: longer than any run's retries and approvals wait.
  agentos_step_ledger: { history: 1, ttlMs: 7 * DAY_MS, description: 'Which agent instance holds or finished each workflow step' },
  agentos_schedules: { history: 1, description: 'Schedules not deleted (the orchestrators tick each)' },
  agentos_checkpoints: { history: 1, description: 'Event-store projection checkpoints' },
  agentos_leases: { history: 1, description: 'Which orchestrator replica owns which partition of the runs, and which replicas share them' },
  // One key per agent instance: the tasks in flight on it, whichever orchestrator replica assigned them.
  agentos_slots: { history: 1, description: 'Agent slots taken by the orchestrator replicas (one key per instance)' },
  // Each replica rewrites its entry every few seconds; a replica gone without a word drops out after this long.
  agentos_replicas: { history: 1, ttlMs: REPLICA_ENTRY_TTL_MS, description: 'The running replicas of every service and their state (agentos cluster)' },
  // A day: how long a client may retry a request with the same Idempotency-Key and get the first answer.
  agentos_idempotency: { history: 1, ttlMs: DAY_MS, description: 'Answers of the HTTP gateway by Idempotency-Key, shared by its replicas' },
  // Each tenant's data key, wrapped by the master key; purging one erases what it sealed (crypto-shredding).
  agentos_tenant_keys: { history: 1, description: 'Tenant data keys, wrapped by the master key' },
  // Rotation keeps the old keys (with their end of validity): they still verify what they signed.
  agentos_signing_keys: { history: 5, description: 'Public keys that sign event-store appends, with their validity (written by the admin)' },
} as const satisfies Record<string, BucketSpec>;

export interface BucketSpec {
  /** Values kept per key. */
  history: number;
  /** Values expire after this long; unset: never. */
  ttlMs?: number;
  description: string;
}

export type BucketName = keyof typeof BUCKETS;
