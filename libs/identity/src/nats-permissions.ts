import { CATALOG, STREAMS, SYSTEM_TENANT, subjectFilter, type MessageType, type QueryType, type Sender, type StreamMessageType } from '@agentos/contracts';

/**
 * Who may publish and subscribe to what on NATS: one user per service, one per agent, an operator
 * (the CLI) and an admin, and people and agents added per tenant. The single source of the permissions in
 * every user JWT (user-jwt.ts, `agentos principals add`, the test harness' startNatsServer({ auth })),
 * derived from the contracts catalogue so that a subject is never spelled twice.
 *
 * Identity: every subject ends with the sender's tenant and principal tokens (`….<tenant>.<principal>`, see
 * subjectOf in libs/contracts), and each principal may publish only under its own principal token and its own
 * tenant (a principal of the platform tenant `system`: any tenant). NATS enforces the subjects; every consumer
 * refuses an envelope that disagrees with them. So the tenant and actor a handler sees are the ones the broker
 * authenticated. Each principal also receives replies on its own inbox only (`_INBOX.<user>.>`, see inboxOf).
 */

/** The services, each connecting as the user of its name (libs/service-host names the connection so too). */
export const SERVICE_NAMES = ['orchestrator', 'registry', 'memory', 'policy', 'observability', 'gateway'] as const;
export type ServiceName = (typeof SERVICE_NAMES)[number];

/** The agents of apps/demo-agent: each gets its own user, `agent-<name>`. */
export const DEMO_AGENTS = ['summariser', 'researcher', 'reviewer', 'payments', 'notifier'] as const;

/**
 * The reply subjects a user may receive on: `_INBOX.<user>.>`. NatsConnector (libs/messaging
 * inboxPrefixFor) gives a connection of a named user exactly that inbox prefix; @agentos/messaging's
 * own tests use this library, so the convention is restated here and the e2e test holds the two together.
 */
export const inboxOf = (user: string) => `_INBOX.${user}`;

/** The JetStream stream of the embedded event store (libs/event-store), written on `agentos.es.<stream>`. */
const EVENT_STORE_STREAM = 'AGENTOS_EVENT_STORE';
const EVENT_STORE_SUBJECTS = 'agentos.es.>';
const JS = '$JS.API';

/** What a principal does on the bus, in the catalogue's terms; turned into subjects by permissionsOf. */
export interface BusRole {
  /** Stream-backed messages it publishes (JetStream). Templated subjects match any token unless `tokens` fixes it. */
  publishes: StreamMessageType[];
  /** Stream-backed messages it works through a durable consumer `<user>-<type>` (libs/messaging MessageWorker). */
  consumes: StreamMessageType[];
  /**
   * Stream-backed messages each of its instances reads in full, through a consumer of its own
   * `<user>-<type>-<instance>` with that type's filter (libs/messaging HandlerExtras.everyInstance).
   */
  observes?: StreamMessageType[];
  /** Queries it answers (subscribes to; replies with allow_responses). */
  answers: QueryType[];
  /** Queries it asks (publishes; the answer comes to its own inbox). */
  asks: QueryType[];
  /** Events it listens to with a plain core subscription (kill switches, registrations). */
  follows: StreamMessageType[];
  /** KV buckets it opens. */
  buckets: string[];
  /** KV buckets it only reads, by key (no writes, no listing). */
  readsBuckets?: string[];
  /** KV buckets it shares with its peers, each holding it to keys under its own first token (`<prefix>.>`). */
  ownKeys?: { bucket: string; prefix: string }[];
  /** The embedded event store: appends (and reads), or only reads. */
  eventStore?: 'write' | 'read';
  /** Subject tokens fixed for this principal, e.g. { name: 'summariser' } for its heartbeat subject. */
  tokens?: Record<string, string>;
  /** Lists and reads every stream (replay, incident analysis). */
  readsStreams?: boolean;
}

/** The services' roles, read off their handlers (@EventPattern/@MessagePattern), publishers and buckets. */
export const SERVICE_ROLES: Record<ServiceName, BusRole> = {
  orchestrator: {
    publishes: [
      'IntentSubmitted', 'IntentRejected', 'IntentCompleted', 'IntentFailed', 'ApprovalRequested', 'IntentApproved',
      'WorkflowStarted', 'WorkflowRejected', 'WorkflowCompleted', 'WorkflowFailed',
      'StepCompleted', 'StepFailed', 'StepRetryScheduled', 'StepSkipped',
      'PolicyCheckRequested', 'TaskQueued', 'TaskAssigned', 'TaskExpired', 'CircuitStateChanged',
      'AgentSpawned', 'AgentExited', 'AgentTerminated', 'SpawnAgentRefused', 'TerminateAgentRefused',
      'RunCancellationStarted', 'RunCancelled', 'RunPaused', 'RunResumed', 'RunRetried', 'RunCommandRefused', 'SignalWaitStarted', 'SignalReceived',
      'CallApprovalRequested', 'CallApproved', 'CallRejected', 'RunForked', 'StepReused',
      'ScheduleCreated', 'SchedulePaused', 'ScheduleResumed', 'ScheduleDeleted', 'ScheduleFired', 'ScheduleTicksSkipped', 'ScheduleCommandRefused',
    ],
    consumes: [
      'SubmitIntent', 'RunWorkflow', 'PolicyDecided', 'ApproveIntent', 'RejectIntent', 'BudgetExhausted',
      'CancelRun', 'PauseRuns', 'ResumeRuns', 'RetryRun', 'SignalRun', 'ResetRun', 'RunForked', 'CallParked',
      'CreateSchedule', 'PauseSchedule', 'ResumeSchedule', 'DeleteSchedule', 'ScheduleFired',
      'TaskCompleted', 'TaskFailed', 'TaskProgressed', 'UsageRecorded', 'ContentFlagged', 'SpawnAgent', 'TerminateAgent', 'KillSwitchActivated',
    ],
    // Each replica requeues its own runs' tasks of an instance that went down.
    observes: ['AgentInstanceDropped'],
    // A run's message goes to the replica owning the run's partition (apps/orchestrator run-partitions.ts).
    // GetSchedulerState adds up every replica's scheduler (GetReplicaSchedulerState, answered by each).
    answers: ['GetSchedulerState', 'GetReplicaSchedulerState', 'GetCallApproval', 'ListSchedules', 'HandleRunMessage'],
    // A run's policy check is put to policy by request/reply once recorded (DecidePolicyCheck).
    asks: ['FindAgents', 'ListKillSwitches', 'CheckPolicy', 'DecidePolicyCheck', 'GetPolicyBundle', 'HandleRunMessage', 'GetReplicaSchedulerState'],
    follows: ['AgentRegistered', 'AgentInstanceDropped', 'KillSwitchActivated', 'KillSwitchReleased'],
    buckets: ['agentos_open_runs', 'agentos_leases', 'agentos_slots', 'agentos_tenant_keys', 'agentos_schedules'],
    eventStore: 'write',
  },
  registry: {
    publishes: ['AgentRegistered', 'AgentRegistrationRejected', 'AgentInstanceDropped'],
    consumes: ['RegisterAgent', 'AgentHeartbeatSent', 'DeregisterAgent'],
    answers: ['FindAgents'],
    asks: [],
    follows: [],
    buckets: ['agentos_registry'],
    eventStore: 'write',
  },
  memory: {
    publishes: ['MemoryWritten', 'MemoryDeleted', 'NoteAppended'],
    consumes: [],
    answers: ['WriteMemory', 'DeleteMemory', 'GetMemory', 'ListMemory', 'AppendNote', 'SearchNotes'],
    // A write a rule says needs approval goes on only once the run's history holds its approval.
    asks: ['CheckPolicy', 'GetCallApproval'],
    follows: [],
    buckets: ['agentos_memory', 'agentos_tenant_keys'],
    eventStore: 'write',
  },
  policy: {
    publishes: ['PolicyDecided', 'BudgetExhausted', 'PolicyBundlePublished', 'PolicyBundleRejected', 'ContentFlagged', 'KillSwitchActivated', 'KillSwitchReleased'],
    consumes: ['UsageRecorded', 'TaskCompleted', 'PublishPolicyBundle', 'ActivateKillSwitch', 'ReleaseKillSwitch'],
    answers: ['CheckPolicy', 'DecidePolicyCheck', 'ScreenContent', 'ScreenInput', 'GetPolicyBundle', 'IsFeatureEnabled', 'ListKillSwitches'],
    asks: [],
    // Who holds which task, so a usage record is checked without reading the run's history (apps/policy assignment-index.ts).
    follows: ['TaskAssigned'],
    buckets: ['agentos_policy', 'agentos_kill_switches', 'agentos_budgets', 'agentos_rate_limits', 'agentos_tenant_keys'],
    eventStore: 'write',
  },
  observability: {
    // None: the dashboard's kill switch goes out as its token's principal, on that principal's creds (as the gateway's).
    publishes: [],
    consumes: [],
    // Every replica counts every fact, so any of them answers GetMetrics and serves the dashboard in full.
    observes: [
      'IntentSubmitted', 'PolicyDecided', 'ApprovalRequested', 'IntentApproved', 'IntentCompleted', 'IntentRejected', 'IntentFailed',
      'WorkflowStarted', 'WorkflowCompleted', 'WorkflowFailed', 'WorkflowRejected', 'StepCompleted', 'StepFailed', 'StepSkipped', 'StepRetryScheduled',
      'TaskQueued', 'TaskAssigned', 'TaskCompleted', 'TaskFailed', 'TaskExpired', 'CircuitStateChanged', 'AgentInstanceDropped',
      'UsageRecorded', 'BudgetExhausted', 'MessageDeadLettered',
    ],
    answers: ['GetMetrics'],
    asks: ['GetSchedulerState', 'FindAgents', 'ListKillSwitches'],
    follows: [],
    buckets: [],
    // Tenant data keys, to show tenants' recorded data; never to create or delete one.
    readsBuckets: ['agentos_tenant_keys'],
    eventStore: 'read',
  },
  // The HTTP gateway (apps/gateway) sends no command and asks no query as itself: it does so on the connection of
  // the principal a request's token names (that principal's creds). Its own user only reads run histories (filtered
  // to the token's tenant in the gateway, as the dashboard does) and keeps the Idempotency-Key answers.
  gateway: {
    publishes: [],
    consumes: [],
    answers: [],
    asks: [],
    follows: [],
    buckets: ['agentos_idempotency'],
    eventStore: 'read',
  },
};

/** An agent (libs/agent-sdk runAgent): its tasks only, its heartbeat subject, its reports, and the queries the SDK asks. */
export function agentRole(agent: string): BusRole {
  return {
    publishes: ['RegisterAgent', 'DeregisterAgent', 'AgentHeartbeatSent', 'TaskCompleted', 'TaskFailed', 'TaskProgressed', 'UsageRecorded', 'CallParked'],
    // Special-cased in permissionsOf: one consumer per instance, filtered to agentos.task.<agent>.<instance>.
    consumes: ['TaskAssigned'],
    answers: [],
    asks: ['ListKillSwitches', 'ScreenContent', 'ScreenInput', 'CheckPolicy', 'GetCallApproval', 'IsFeatureEnabled', 'WriteMemory', 'DeleteMemory', 'GetMemory', 'ListMemory', 'AppendNote', 'SearchNotes'],
    // A cancelled run's running tasks are aborted (libs/agent-sdk cancellation-watch.ts).
    follows: ['KillSwitchActivated', 'KillSwitchReleased', 'BudgetExhausted', 'RunCancellationStarted'],
    buckets: [],
    // The step ledger (libs/agent-sdk step-ledger.ts): an agent reads and writes its own steps only.
    ownKeys: [{ bucket: 'agentos_step_ledger', prefix: agent }],
    tokens: { name: agent, agent },
  };
}

export interface NatsPermissions {
  publish: string[];
  subscribe: string[];
  /** May reply to the requests it receives (the requester's inbox), without publish rights on inboxes. */
  allowResponses: boolean;
}

/** Who a NATS user is on the bus: its tenant (`system`: the platform, any tenant) and its principal token (principalOf). */
export interface BusIdentity {
  user: string;
  tenant: string;
  principal: string;
}

export type PrincipalKind = 'service' | 'agent' | 'user' | 'admin';

export interface NatsPrincipal extends BusIdentity {
  kind: PrincipalKind;
  /** What it does: "service", "admin", a person's UserRole or `agent:<name>` (the form `agentos principals add --role` takes). */
  role: string;
  description: string;
  permissions: NatsPermissions;
}

const unique = (subjects: string[]) => [...new Set(subjects)];
const AGENTOS_STREAMS = Object.keys(STREAMS);
const ofKind = (kind: 'command' | 'event' | 'query') => (Object.keys(CATALOG) as MessageType[]).filter((type) => CATALOG[type].kind === kind);

/** The sender tokens a principal publishes under: a platform principal may name any tenant, others only their own. */
export const publishingAs = ({ tenant, principal }: BusIdentity): Sender => ({ tenant: tenant === SYSTEM_TENANT ? '*' : tenant, principal });

/** What a principal may hear: everything for the platform, else its tenant's messages and the platform's (global kill switches). */
const hearing = ({ tenant }: BusIdentity): Sender[] => (tenant === SYSTEM_TENANT ? [{}] : [{ tenant }, { tenant: SYSTEM_TENANT }]);

/**
 * Stream look-up only: every principal checks at start that its streams exist (libs/messaging requireStream).
 * Creating, changing, purging or deleting a stream is the admin's (`agentos bootstrap`): whoever may update
 * a stream may shrink it, erasing the audit log or the dead letters.
 */
const checking = (streams: string[]) => streams.map((s) => `${JS}.STREAM.INFO.${s}`);

/** A durable pull consumer: look-up, create/update (the filter is part of the subject), pull, ack. */
function durableConsumer(stream: string, durable: string, filter: string): string[] {
  return [
    `${JS}.CONSUMER.INFO.${stream}.${durable}`,
    `${JS}.CONSUMER.CREATE.${stream}.${durable}.${filter}`,
    `${JS}.CONSUMER.MSG.NEXT.${stream}.${durable}`,
    `$JS.ACK.${stream}.${durable}.>`,
  ];
}

/**
 * Consumers of one instance each, of any name: names cannot be matched by prefix, but the filter is part of the
 * create subject, so the server refuses one on any other subjects.
 */
function instanceConsumers(stream: string, filter: string): string[] {
  return [`${JS}.CONSUMER.CREATE.${stream}.*.${filter}`, `${JS}.CONSUMER.INFO.${stream}.*`, `${JS}.CONSUMER.MSG.NEXT.${stream}.*`, `$JS.ACK.${stream}.>`];
}

/** Ephemeral ordered consumers (event-store scans, KV key listings and watches), of any filter. */
function orderedReader(stream: string): string[] {
  return [
    `${JS}.CONSUMER.CREATE.${stream}`,
    `${JS}.CONSUMER.CREATE.${stream}.>`,
    `${JS}.CONSUMER.INFO.${stream}.*`,
    `${JS}.CONSUMER.DELETE.${stream}.*`,
    `${JS}.CONSUMER.MSG.NEXT.${stream}.*`,
    // flow control of push consumers (KV watches)
    `$JS.FC.${stream}.>`,
  ];
}

function bucket(name: string): string[] {
  const stream = `KV_${name}`;
  return [
    ...checking([stream]),
    `$KV.${name}.>`,
    `${JS}.DIRECT.GET.${stream}`,
    `${JS}.DIRECT.GET.${stream}.>`,
    `${JS}.STREAM.MSG.GET.${stream}`,
    ...orderedReader(stream),
  ];
}

/** Reading values by key: look-up and direct get only. */
function readBucket(name: string): string[] {
  const stream = `KV_${name}`;
  return [...checking([stream]), `${JS}.DIRECT.GET.${stream}`, `${JS}.DIRECT.GET.${stream}.>`, `${JS}.STREAM.MSG.GET.${stream}`];
}

/** Keys `<prefix>.>` of a shared bucket: written by KV publish, read by direct get of the last value (no listing, no watch). */
function ownKeys(name: string, prefix: string): string[] {
  const stream = `KV_${name}`;
  return [...checking([stream]), `$KV.${name}.${prefix}.>`, `${JS}.DIRECT.GET.${stream}.$KV.${name}.${prefix}.>`];
}

/** Turns a role into subject permissions for one identity. */
export function permissionsOf(identity: BusIdentity, role: BusRole, kind: 'service' | 'agent' | 'user'): NatsPermissions {
  const { user } = identity;
  const as = publishingAs(identity);
  const publish: string[] = [`${JS}.INFO`, ...checking(AGENTOS_STREAMS)];
  const subscribe: string[] = [`${inboxOf(user)}.>`];
  publish.push(...role.publishes.map((type) => subjectFilter(type, role.tokens, as)));
  // Its own dead letters (MessageWorker parks what it cannot handle on agentos.dlq.<service>).
  publish.push(subjectFilter('MessageDeadLettered', { service: user }, as));
  publish.push(...role.asks.map((type) => subjectFilter(type, {}, as)));
  subscribe.push(...role.answers.map((type) => subjectFilter(type)));
  subscribe.push(...role.follows.flatMap((type) => hearing(identity).map((sender) => subjectFilter(type, {}, sender))));
  for (const type of role.consumes) {
    const { stream } = CATALOG[type];
    if (kind === 'agent') {
      // A consumer per instance, `agent-<name>-<instance>`: names cannot be matched by prefix, but the filter can:
      // the server refuses a consumer on another agent's task subjects (or, for a tenant's agent, another tenant's).
      const own = subjectFilter(type, { agent: role.tokens?.agent ?? user }, identity.tenant === SYSTEM_TENANT ? {} : { tenant: identity.tenant });
      publish.push(...instanceConsumers(stream, own));
    } else {
      publish.push(...durableConsumer(stream, `${user}-${type}`, subjectFilter(type)));
    }
  }
  for (const type of role.observes ?? []) publish.push(...instanceConsumers(CATALOG[type].stream, subjectFilter(type)));
  for (const name of role.buckets) publish.push(...bucket(name));
  for (const name of role.readsBuckets ?? []) publish.push(...readBucket(name));
  for (const { bucket: name, prefix } of role.ownKeys ?? []) publish.push(...ownKeys(name, prefix));
  if (role.eventStore) {
    // A read asks for a stream's last commit (STREAM.MSG.GET by subject) before fetching what is newer.
    publish.push(...checking([EVENT_STORE_STREAM]), ...orderedReader(EVENT_STORE_STREAM), `${JS}.STREAM.MSG.GET.${EVENT_STORE_STREAM}`);
    if (role.eventStore === 'write') publish.push(EVENT_STORE_SUBJECTS);
  }
  // A platform operator or auditor follows every conversation live (`agentos run`, `agentos submit` follow 'agentos.>').
  if (role.readsStreams) {
    publish.push(...streamReader());
    subscribe.push('agentos.>');
  }
  return { publish: unique(publish), subscribe: unique(subscribe), allowResponses: role.answers.length > 0 };
}

/** Reading every stream (listing, inspecting, scanning): replay, incident analysis and `follow` for platform operators. */
function streamReader(): string[] {
  return [
    `${JS}.STREAM.NAMES`,
    `${JS}.STREAM.LIST`,
    `${JS}.STREAM.INFO.*`,
    `${JS}.STREAM.MSG.GET.*`,
    `${JS}.DIRECT.GET.>`,
    `${JS}.CONSUMER.CREATE.*`,
    `${JS}.CONSUMER.CREATE.*.>`,
    `${JS}.CONSUMER.INFO.*.*`,
    // consumer lag per service (`agentos cluster`)
    `${JS}.CONSUMER.LIST.*`,
    `${JS}.CONSUMER.NAMES.*`,
    `${JS}.CONSUMER.DELETE.*.*`,
    `${JS}.CONSUMER.MSG.NEXT.*.*`,
    '$JS.FC.>',
  ];
}

/**
 * The people's roles, given with `agentos principals add --role`. Run control (CancelRun, PauseRuns, ResumeRuns,
 * RetryRun, ResetRun) is an operator's: it stops or changes work others submitted; a submitter starts runs and signals them.
 */
export const USER_ROLES = ['submitter', 'approver', 'operator', 'auditor'] as const;
export type UserRole = (typeof USER_ROLES)[number];

/**
 * Questions services ask one another about a run's inner workings, never a person (each answerer also checks that
 * its asker is the service): a run's own policy check, a run message handed on, a replica's scheduler.
 */
const SERVICE_QUERIES: QueryType[] = ['DecidePolicyCheck', 'HandleRunMessage', 'GetReplicaSchedulerState'];
/** Questions that only read what every principal of the tenant may see. */
const READ_QUERIES: QueryType[] = ['FindAgents', 'ListKillSwitches', 'GetPolicyBundle', 'IsFeatureEnabled', 'GetMetrics', 'GetSchedulerState'];
const EVERY_EVENT = ofKind('event') as StreamMessageType[];

/**
 * A person's role. Everyone hears the facts of their tenant (to follow their runs). Reading streams and the
 * event store directly is for the platform tenant only: event-store stream names carry no tenant, so a tenant's
 * principal could not be confined to its own histories there.
 */
export function userRole(role: UserRole, tenant: string): BusRole {
  const platform = tenant === SYSTEM_TENANT;
  const base: BusRole = { publishes: [], consumes: [], answers: [], asks: READ_QUERIES, follows: EVERY_EVENT, buckets: [] };
  switch (role) {
    case 'submitter':
      // Signals are the input a person gives a run they started (a wait step), not control over it.
      return { ...base, publishes: ['SubmitIntent', 'RunWorkflow', 'SignalRun'], asks: [...READ_QUERIES, 'GetMemory', 'ListMemory', 'SearchNotes', 'CheckPolicy'] };
    case 'approver':
      return { ...base, publishes: ['ApproveIntent', 'RejectIntent'] };
    case 'operator':
      return { ...base, publishes: ofKind('command') as StreamMessageType[], asks: (ofKind('query') as QueryType[]).filter((query) => !SERVICE_QUERIES.includes(query)), readsStreams: platform, eventStore: platform ? 'read' : undefined };
    case 'auditor':
      return { ...base, readsStreams: platform, eventStore: platform ? 'read' : undefined };
  }
}

/** Tests, bootstrap and break-glass: everything. */
export const ADMIN_PERMISSIONS: NatsPermissions = { publish: ['>'], subscribe: ['>'], allowResponses: false };

/** The identities of the built-in principals. */
export const serviceIdentity = (name: string): BusIdentity => ({ user: name, tenant: SYSTEM_TENANT, principal: `service-${name}` });
export const agentIdentity = (agent: string, tenant = SYSTEM_TENANT): BusIdentity => ({ user: agentUser(agent), tenant, principal: `agent-${agent}` });
export const userIdentity = (name: string, tenant = SYSTEM_TENANT): BusIdentity => ({ user: name, tenant, principal: `user-${name}` });

/** The NATS principal of a person with a role in a tenant (the user name is its actor id: `user-<name>` on the bus). */
export function userPrincipal(name: string, role: UserRole, tenant = SYSTEM_TENANT): NatsPrincipal {
  const identity = userIdentity(name, tenant);
  return { ...identity, kind: 'user', role, description: `${name}: ${role} of ${tenant === SYSTEM_TENANT ? 'the platform' : `tenant ${tenant}`}`, permissions: permissionsOf(identity, userRole(role, tenant), 'user') };
}

/** The NATS principal of an agent (every instance of it), platform-wide or one tenant's. */
export function agentPrincipal(agent: string, tenant = SYSTEM_TENANT): NatsPrincipal {
  if (!/^[a-z0-9][a-z0-9_-]*$/.test(agent)) throw new Error(`agent name "${agent}" is not one subject token`);
  const identity = agentIdentity(agent, tenant);
  return { ...identity, kind: 'agent', role: `agent:${agent}`, description: `the ${agent} agent (every instance) of ${tenant === SYSTEM_TENANT ? 'the platform' : `tenant ${tenant}`}`, permissions: permissionsOf(identity, agentRole(agent), 'agent') };
}

export function servicePrincipal(name: ServiceName): NatsPrincipal {
  const identity = serviceIdentity(name);
  const role = SERVICE_ROLES[name];
  // Every replica keeps its entry in agentos_replicas (libs/service-host presence.ts), under its service's name only.
  const withPresence: BusRole = { ...role, ownKeys: [...(role.ownKeys ?? []), { bucket: 'agentos_replicas', prefix: name }] };
  return { ...identity, kind: 'service', role: 'service', description: `the ${name} service`, permissions: permissionsOf(identity, withPresence, 'service') };
}

/** The users of a deployment: the five services, one user per agent name, the CLI (a platform operator) and admin. */
export function natsPrincipals(agents: readonly string[] = DEMO_AGENTS): NatsPrincipal[] {
  return [
    ...SERVICE_NAMES.map(servicePrincipal),
    ...unique([...agents]).map((agent) => agentPrincipal(agent)),
    userPrincipal('cli', 'operator'),
    { user: 'admin', tenant: SYSTEM_TENANT, principal: '*', kind: 'admin', role: 'admin', description: 'tests, bootstrap and break-glass: everything', permissions: ADMIN_PERMISSIONS },
  ];
}

/** The NATS user of an agent; also the service name its dead letters carry (agentos.dlq.agent-<name>). */
export const agentUser = (agent: string) => `agent-${agent}`;
