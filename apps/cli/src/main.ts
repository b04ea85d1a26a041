import { Command, CommanderError } from 'commander';
import type { AddOptions } from './commands/principals';
import { output, type Output } from './output';
import type { Session } from './session';
import { parseSince } from '@agentos/config';
import type { GlobalFlags } from './settings';

const program = new Command('agentos')
  .description('Publish intents onto AgentOS, administer it, and replay workflows for incident analysis.')
  .option('--nats-url <url>', 'NATS server(s), comma-separated (env NATS_URL; default nats://127.0.0.1:4222)')
  .option('--esdb-url <url>', 'EventStoreDB connection string for replay (env ESDB_URL; default: the JetStream event store)')
  .option('--tenant <tenant>', 'tenant to act for (env AGENTOS_TENANT; default "default")')
  .option('--user <id>', "who you are, as recorded on every decision (env AGENTOS_USER; default: the creds' principal, else cli)")
  .option('--nats-creds <file>', 'NATS credentials file (env NATS_CREDS), from `agentos principals add`')
  .option('--config <file>', 'JSON settings file (default ~/.agentos.json)')
  .option('--json', 'JSON lines on stdout, for scripts')
  .option('--debug', 'print stack traces on errors')
  .showHelpAfterError();

/**
 * Each command's module is loaded when the command runs: it pulls in NATS, the event stores and the libraries,
 * which `--help` and the other commands need not pay for at start.
 */
interface CommandModules {
  admin: typeof import('./commands/admin');
  audit: typeof import('./commands/audit');
  bootstrap: typeof import('./commands/bootstrap');
  cluster: typeof import('./commands/cluster');
  principals: typeof import('./commands/principals');
  dlq: typeof import('./commands/dlq');
  keys: typeof import('./commands/keys');
  replay: typeof import('./commands/replay');
  run: typeof import('./commands/run');
  runs: typeof import('./commands/runs');
  schedules: typeof import('./commands/schedules');
  submit: typeof import('./commands/submit');
  supervise: typeof import('./commands/supervise');
  retention: typeof import('./commands/retention');
  tenant: typeof import('./commands/tenant');
  workflows: typeof import('./commands/workflows');
}
const command = <M extends keyof CommandModules>(name: M) => import(`./commands/${name}`) as Promise<CommandModules[M]>;

/** The global --tenant doubles as a filter where one is asked for, but only when typed, not from the settings. */
const tenantGiven = () => (program.getOptionValueSource('tenant') === 'cli' ? program.opts<GlobalFlags>().tenant : undefined);

/** Runs one command with its session; errors are one line (stack with --debug) and exit 1. */
function action<A extends unknown[]>(run: (session: Session, out: Output, ...args: A) => Promise<number>) {
  return async (...args: A) => {
    const flags = program.opts<GlobalFlags & { json?: boolean; debug?: boolean }>();
    let session: Session | undefined;
    try {
      const [{ Session }, { loadSettings }] = await Promise.all([import('./session'), import('./settings')]);
      session = new Session(loadSettings(flags));
      process.exitCode = await run(session, output(Boolean(flags.json)), ...args);
    } catch (error) {
      const refused = (error as { code?: string }).code === 'CONNECTION_REFUSED';
      const detail = refused ? `cannot reach NATS at ${session?.settings.natsUrl} (connection refused)` : ((error as Error).message ?? String(error));
      process.stderr.write(`agentos: ${detail}\n`);
      if (flags.debug) process.stderr.write(`${(error as Error).stack}\n`);
      process.exitCode = 1;
    } finally {
      await session?.close().catch(() => undefined);
    }
  };
}

program
  .command('bootstrap')
  .description('create or update every AgentOS stream and KV bucket to its settings (run as the NATS admin, before the services)')
  .option('--replicas <n>', 'JetStream replicas, 3 on a 3-node cluster (env AGENTOS_STREAM_REPLICAS; unset: existing streams keep theirs)')
  .action(action((session, out, opts: { replicas?: string }) => command('bootstrap').then((m) => m.bootstrap(session, opts.replicas, out))));

program
  .command('submit <file>')
  .description('publish the intent in <file> (JSON or YAML: goal, capability, input, agent) and follow it')
  .option('--no-follow', 'return once published')
  .option('--timeout <seconds>', 'give up following after this long', '120')
  .action(action((session, out, file: string, opts: { follow: boolean; timeout: string }) => command('submit').then((m) => m.submit(session, file, { follow: opts.follow, timeoutSeconds: Number(opts.timeout) }, out))));

const collect = (value: string, previous: string[]) => [...previous, value];
program
  .command('run <workflow.yaml>')
  .description('validate the workflow document, start a run of it and follow it step by step')
  .option('--input <key=value>', 'a workflow input (repeatable; JSON values such as numbers are parsed)', collect, [])
  .option('--input-file <file>', 'workflow input as a JSON or YAML object')
  .option('--priority <low|normal|high>', "override the document's priority")
  .option('--no-follow', 'return once published')
  .option('--timeout <seconds>', 'give up following after this long', '300')
  .action(
    action((session, out, file: string, opts: { input: string[]; inputFile?: string; priority?: string; follow: boolean; timeout: string }) =>
      command('run').then((m) =>
        m.runWorkflow(session, file, { input: opts.input, inputFile: opts.inputFile, priority: opts.priority, follow: opts.follow, timeoutSeconds: Number(opts.timeout) }, out),
      ),
    ),
  );

const agents = program.command('agents').description('the agent registry');
agents
  .command('ls')
  .option('--capability <name>', 'only agents offering this capability')
  .action(action((session, out, opts: { capability?: string }) => command('admin').then((m) => m.agentsList(session, opts.capability, out))));

agents
  .command('show <name>')
  .description('the registered instances and versions of one agent')
  .action(action((session, out, name: string) => command('admin').then((m) => m.agentShow(session, name, out))));

agents
  .command('spawn <template>')
  .description('start agent worker processes from a supervisor template (deploy/agents/templates.yaml)')
  .option('--count <n>', 'how many instances', '1')
  .option('--timeout <seconds>', 'wait this long for them to start', '30')
  .action(action((session, out, template: string, opts: { count: string; timeout: string }) => command('supervise').then((m) => m.agentsSpawn(session, template, Number(opts.count), Number(opts.timeout), out))));
agents
  .command('terminate <instanceId>')
  .description('stop a supervised agent instance (it finishes its tasks first; no restart)')
  .option('--reason <text>', 'recorded with the termination', 'terminated from the CLI')
  .option('--timeout <seconds>', 'wait this long for it to stop', '30')
  .action(action((session, out, instanceId: string, opts: { reason: string; timeout: string }) => command('supervise').then((m) => m.agentsTerminate(session, instanceId, opts.reason, Number(opts.timeout), out))));

const workflows = program.command('workflows').description('workflows recorded in the event store');
workflows
  .command('ls')
  .description('runs newest first; the global --tenant, given on the command line, lists only that tenant')
  .option('--limit <n>', 'how many, newest first', '20')
  .option('--status <status>', 'only runs that are completed, failed, rejected or running')
  .option('--name <name>', "only runs of this workflow (or an intent's capability)")
  .option('--since <time|span>', 'only runs active since an ISO time or a span back from now (30m, 2h, 7d)')
  .action(
    action((session, out, opts: { limit: string; status?: string; name?: string; since?: string }) =>
      command('workflows').then((m) =>
        m.workflowsList(session, Number(opts.limit), { status: opts.status, name: opts.name, since: opts.since ? parseSince(opts.since) : undefined, tenant: tenantGiven() }, out),
      ),
    ),
  );
workflows
  .command('show <workflowId>')
  .description('status, spending and timeline of one workflow')
  .action(action((session, out, id: string) => command('workflows').then((m) => m.workflowShow(session, id, out))));

program
  .command('cluster')
  .description("every service's replicas and their state, who holds the orchestrator's lease, and each consumer's lag")
  .action(action((session, out) => command('cluster').then((m) => m.clusterShow(session, out))));

const dlq = program.command('dlq').description('dead letters: messages no handler could process, parked with the reason');
dlq
  .command('ls')
  .option('--service <name>', 'only letters parked by this service (or agent-<name>)')
  .option('--reason <reason>', 'only invalid-message, max-deliveries-exceeded or refused letters')
  .option('--since <time|span>', 'only letters parked since an ISO time or a span back from now (30m, 2h, 7d)')
  .action(action((session, out, opts: { service?: string; reason?: string; since?: string }) => command('dlq').then((m) => m.dlqList(session, { service: opts.service, reason: opts.reason, since: opts.since ? parseSince(opts.since) : undefined }, out))));
dlq
  .command('show <letterId>')
  .description('the whole letter: where it was, why it was parked, every issue, the original')
  .action(action((session, out, id: string) => command('dlq').then((m) => m.dlqShow(session, id, out))));
dlq
  .command('redrive <letterId>')
  .description("re-send the original as a new message of yours (your identity, never its sender's), once; refused while it fails validation")
  .action(action((session, out, id: string) => command('dlq').then((m) => m.dlqRedrive(session, id, out))));

const policy = program.command('policy').description('policy bundles');
policy.command('show').description('print the bundle in force').action(action((session, out) => command('admin').then((m) => m.policyShow(session, out))));
policy
  .command('apply <file>')
  .description('validate and publish a YAML bundle; every policy instance reloads it')
  .action(action((session, out, file: string) => command('admin').then((m) => m.policyApply(session, file, out))));

program
  .command('kill <scope> <target>')
  .description('throw a kill switch: scope is global, tenant, agent or workflow (target * for global)')
  .requiredOption('--reason <text>', 'why, recorded with the switch')
  .action(action((session, out, scope: string, target: string, opts: { reason: string }) => command('admin').then((m) => m.killSwitch(session, 'kill', scope, target, opts.reason, out))));
program
  .command('resume <scope> <target>')
  .description('release a kill switch')
  .option('--reason <text>', 'why', 'resumed from the CLI')
  .action(action((session, out, scope: string, target: string, opts: { reason: string }) => command('admin').then((m) => m.killSwitch(session, 'resume', scope, target, opts.reason, out))));

/** How long a command on a run waits for what came of it. */
const timeout = ['--timeout <seconds>', 'how long to wait for the outcome (a command on many runs: how long to list the runs it covered)', '30'] as const;
for (const decision of ['approve', 'reject'] as const) {
  program
    .command(`${decision} <intentId>`)
    .description(`${decision} an intent that policy parked for approval, or (--call) a call parked inside a run`)
    .option('--comment <text>', 'recorded with the decision')
    .option('--call <approvalId>', 'the call parked inside the run (CallApprovalRequested) to decide; waits for the outcome')
    .option(...timeout)
    .action(
      action((session, out, intentId: string, opts: { comment?: string; call?: string; timeout: string }) => {
        if (!opts.call) return command('admin').then((m) => m.decideApproval(session, decision, intentId, opts.comment, out));
        const payload = { intentId, approvalId: opts.call, ...(opts.comment ? { comment: opts.comment } : {}) };
        const type = decision === 'approve' ? 'ApproveIntent' : 'RejectIntent';
        return command('runs').then((m) => m.controlRun(session, type, payload, { timeoutSeconds: Number(opts.timeout) }, out));
      }),
    );
}

const runs = program.command('runs').description('act on runs under way (an operator\'s): cancel, pause, resume, retry');
runs
  .command('cancel <runId>')
  .description('abort its running tasks, run the compensations of what it did, end it cancelled')
  .requiredOption('--reason <text>', 'why, recorded in the run')
  .option(...timeout)
  .action(action((session, out, runId: string, opts: { reason: string; timeout: string }) => command('runs').then((m) => m.controlRun(session, 'CancelRun', { runId, reason: opts.reason }, { timeoutSeconds: Number(opts.timeout) }, out))));
for (const [verb, type, text] of [
  ['pause', 'PauseRuns', 'start no new step until resumed (running steps finish)'],
  ['resume', 'ResumeRuns', 'continue a paused run where it stopped'],
] as const) {
  runs
    .command(`${verb} [runId]`)
    .description(`${text}: one run, every open run of a workflow (--workflow) or of the tenant (--all)`)
    .option('--workflow <name>', 'every open run of this workflow')
    .option('--all', "every open run of the tenant (--tenant; the platform's: every tenant)")
    .option('--reason <text>', 'why, recorded in the run', `${verb}d from the CLI`)
    .option(...timeout)
    .action(
      action((session, out, runId: string | undefined, opts: { workflow?: string; all?: boolean; reason: string; timeout: string }) =>
        command('runs').then((m) => m.controlRun(session, type, { select: m.selectorOf(runId, opts), reason: opts.reason }, { timeoutSeconds: Number(opts.timeout) }, out)),
      ),
    );
}
runs
  .command('reset <runId>')
  .description('start a new run from a past point of one that ended: steps before --to keep their recorded outputs, it and the rest run again')
  .requiredOption('--to <step>', 'the step to run again from')
  .option('--reason <text>', 'why, recorded in both runs')
  .option('--agent <name@version>', 'run the steps this agent serves on that version of it')
  .option('--policy <bundleVersion>', 'decide the new run (and its agents\' calls) only under this policy bundle version; denied while another is in force')
  .option(...timeout)
  .action(
    action((session, out, runId: string, opts: { to: string; reason?: string; agent?: string; policy?: string; timeout: string }) =>
      command('runs').then((m) => m.controlRun(session, 'ResetRun', m.resetOf(runId, opts), { timeoutSeconds: Number(opts.timeout) }, out)),
    ),
  );
runs
  .command('retry <runId>')
  .description('run a failed run again from the steps that did not complete (completed steps keep their outputs)')
  .option('--reason <text>', 'why, recorded in the run')
  .option(...timeout)
  .action(action((session, out, runId: string, opts: { reason?: string; timeout: string }) => command('runs').then((m) => m.controlRun(session, 'RetryRun', { runId, ...(opts.reason ? { reason: opts.reason } : {}) }, { timeoutSeconds: Number(opts.timeout) }, out))));

const schedule = program.command('schedule').description('recurring runs of a workflow (an operator\'s)');
schedule
  .command('create')
  .description('start a run of the workflow at every tick of the cron expression (UTC; 5 fields, or 6 with seconds first)')
  .requiredOption('--cron <expression>', 'e.g. "0 * * * *" (hourly)')
  .requiredOption('--workflow <file.yaml>', 'the workflow document')
  .option('--input <key=value>', 'a workflow input (repeatable)', collect, [])
  .option('--input-file <file>', 'workflow input as a JSON or YAML object')
  .option('--catch-up <skip|run-once>', 'ticks missed while no orchestrator ran: skip them, or one run for all', 'skip')
  .action(action((session, out, opts: { cron: string; workflow: string; input: string[]; inputFile?: string; catchUp: string }) => command('schedules').then((m) => m.createSchedule(session, opts, out))));
schedule.command('ls').description('the schedules of the tenant').action(action((session, out) => command('schedules').then((m) => m.listSchedules(session, out))));
for (const verb of ['pause', 'resume', 'delete'] as const) {
  schedule
    .command(`${verb} <scheduleId>`)
    .description(`${verb} a schedule`)
    .action(action((session, out, scheduleId: string) => command('schedules').then((m) => m.changeSchedule(session, verb, scheduleId, out))));
}

program
  .command('signal <runId> <name> [json]')
  .description("deliver data (a JSON object) to the run's step waiting for this signal (a `wait: { signal }` step)")
  .option(...timeout)
  .action(
    action((session, out, runId: string, name: string, json: string | undefined, opts: { timeout: string }) =>
      command('runs').then((m) => m.controlRun(session, 'SignalRun', { runId, name, data: m.signalData(json) }, { timeoutSeconds: Number(opts.timeout) }, out)),
    ),
  );

program
  .command('replay <workflowId>')
  .description("read a workflow's history from the event store: timeline, state at a point, verification, re-execution, what-if, report")
  .option('--at <eventNo|time>', 'show the history up to this event number or ISO time, and the state there')
  .option('--verify', 'verify the hash chain and who signed each append (exit 1 if tampered)')
  .option('--re-execute', "re-run the orchestrator's decider on the recorded inputs (exit 1 at the first divergence)")
  .option('--decider <module>', 're-execute with the decider exported by this module instead')
  .option('--agents <module>', "re-run the agents exported by this module on the recorded model/tool/memory answers (exit 1 at the first divergence)")
  .option('--policy <bundle.yaml>', 're-evaluate the recorded policy decisions under this bundle')
  .option('--report <out.md>', 'write an incident report as Markdown and HTML')
  .option('--compare [forkId]', 'show a run beside its fork (its last one, or this one), step by step: what was reused, what ran again (a fork is always shown beside its parent)')
  .action(action((session, out, workflowId: string, opts) => command('replay').then((m) => m.replay(session, workflowId, opts, out))));

const keys = program.command('keys').description("the event store's signing keys: one per writing service, public halves published with their validity");
keys
  .command('rotate <service>')
  .description("as the NATS admin: a new signing key for a service; its older keys stop being valid now (what they signed still verifies)")
  .option('--secrets-file <file>', "store the private key in this encrypted secrets file (key in AGENTOS_SECRETS_KEY; env AGENTOS_SECRETS_FILE)")
  .option('--print-secret', 'print the private key as an AGENTOS_SECRET_SIGNING_KEY_<SERVICE>= line instead')
  .action(action((session, out, service: string, opts: { secretsFile?: string; printSecret?: boolean }) => command('keys').then((m) => m.keysRotate(session, service, opts, out))));
keys
  .command('ls')
  .description('every published signing key, with its service and validity')
  .action(action((session, out) => command('keys').then((m) => m.keysList(session, out))));

const tenantCommand = program.command('tenant').description("a tenant's data");
tenantCommand
  .command('purge <tenant>')
  .description('as the NATS admin: erase a tenant (crypto-shredding): its data key, memory values, step-ledger entries and bus messages; histories stay verifiable, their data reads [erased]')
  .action(action((session, out, tenant: string) => command('tenant').then((m) => m.tenantPurge(session, tenant, out))));

program
  .command('retention')
  .description("tenants' data kept as long as the policy bundle's retention rules say")
  .command('apply')
  .description("as the NATS admin, with SIGNING_KEY_AUDIT and TENANT_MASTER_KEY: erase tenants' data past the policy bundle's retention rules (crypto-shredding), recorded in audit-retention")
  .option('--every <duration>', 'keep applying them, this often (e.g. 1h)')
  .action(action((session, out, opts: { every?: string }) => command('retention').then((m) => m.retentionApply(session, opts.every, out))));

const audit = program.command('audit').description('anchors: every stream\'s head in a signed Merkle root, so deletion, truncation and rewrites show');
audit
  .command('anchor')
  .description('as the NATS admin, with SIGNING_KEY_AUDIT in the secrets store: append the Merkle root of every stream head to the anchor log')
  .option('--every <duration>', 'keep anchoring, this often (e.g. 5m)')
  .action(action((session, out, opts: { every?: string }) => command('audit').then((m) => m.auditAnchor(session, opts.every, out))));
audit
  .command('verify')
  .description('check every stream against the latest anchor (head went backwards, changed, disappeared) and its chain and signatures; exit 1 naming each')
  .action(action((session, out) => command('audit').then((m) => m.auditVerify(session, out))));
audit
  .command('proof <stream>')
  .description("print the inclusion proof of a stream's head in the latest anchor, for an offline check (README: Anchors)")
  .action(action((session, out, stream: string) => command('audit').then((m) => m.auditProof(session, stream, out))));

// Piped into `head`, the reader goes away early: that is the end of the output, not an error to crash on.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code !== 'EPIPE') throw error;
  process.exit(Number(process.exitCode ?? 0));
});

const principals = program
  .command('principals')
  .description('NATS principals (user JWTs and creds files) of this deployment\'s identity (env AGENTOS_IDENTITY_DIR; default .data/identity)')
  .option('--identity-dir <dir>', 'the identity directory (operator, accounts, creds)');
const identity = async () => (await command('principals')).openIdentity(principals.opts<{ identityDir?: string }>().identityDir);
principals
  .command('add')
  // --tenant is the global option (commander gives it to the program): required here, and never from the environment.
  .description('issue a credentials file for a person or an agent of --tenant <tenant> ("system": the platform, every tenant); no NATS restart')
  .requiredOption('--role <role>', 'submitter|approver|operator|auditor|agent:<name> (checked when the command runs)')
  .option('--name <name>', "a person's name (their actor id: user-<name>)")
  .option('--out <file>', 'also write the creds file here (mode 0600)')
  .action(action(async (_session, out, opts: Omit<AddOptions, 'tenant'>) => (await command('principals')).principalsAdd(await identity(), { ...opts, tenant: program.opts<GlobalFlags>().tenant }, out)));
principals
  .command('revoke <user>')
  .description('revoke a principal on the running NATS: its connections are closed, new ones refused')
  .action(action(async (session, out, user: string) => (await command('principals')).principalsRevoke(await identity(), session.settings.natsUrl.split(','), user, out)));
principals
  .command('ls')
  .description('the principals issued, active and revoked')
  .action(action(async (_session, out) => (await command('principals')).principalsList(await identity(), out)));

program.exitOverride((error: CommanderError) => {
  process.exit(error.exitCode);
});

void program.parseAsync(process.argv);
