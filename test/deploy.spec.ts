import { CATALOG, STREAMS, type StreamMessageType } from '@agentos/contracts';
import { SERVICE_ROLES, type ServiceName } from '@agentos/identity';
import { STREAM_WRITERS } from '@agentos/event-store';
import { execFileSync } from 'node:child_process';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { parse, parseAllDocuments } from 'yaml';
import { z } from 'zod';
import { DEFAULT_GATEWAY_PORT } from '../apps/gateway/src/gateway.settings';
import { DEPLOYED_APPS as APPS } from '../scripts/processes';

const DEPLOY = join(__dirname, '../deploy');
const CHART = join(DEPLOY, 'helm/agentos');
const SERVICES = APPS.filter((app) => app !== 'demo-agent');
const read = (path: string) => readFileSync(join(DEPLOY, path), 'utf8');

const Labels = z.record(z.string(), z.string());
const Probe = z.object({ httpGet: z.object({ path: z.string().startsWith('/'), port: z.string() }), periodSeconds: z.number().int().positive() });
const Resources = z.object({ requests: z.object({ cpu: z.string(), memory: z.string() }), limits: z.object({ memory: z.string() }) });
const EnvVar = z.object({ name: z.string(), value: z.string().optional(), valueFrom: z.unknown().optional() }).refine((e) => e.value !== undefined || e.valueFrom !== undefined, 'env needs value or valueFrom');
const Container = z.object({
  name: z.string(),
  image: z.string().regex(/^agentos\/[a-z-]+:\d+\.\d+\.\d+$/, 'image must be agentos/<app>:<semver>'),
  command: z.array(z.string()).optional(),
  envFrom: z.array(z.object({ secretRef: z.object({ name: z.string() }).strict() }).strict()).optional(),
  env: z.array(EnvVar),
  ports: z.array(z.object({ name: z.string(), containerPort: z.number().int().min(1).max(65535) })).min(1).optional(),
  volumeMounts: z.array(z.object({ name: z.string(), mountPath: z.string() })).optional(),
  livenessProbe: Probe.optional(),
  readinessProbe: Probe.optional(),
  resources: Resources,
});
const Metadata = z.object({ name: z.string(), namespace: z.literal('agentos'), labels: Labels.optional() });
const PodSpec = z.object({
  terminationGracePeriodSeconds: z.number().int().positive().optional(),
  restartPolicy: z.enum(['Always', 'OnFailure', 'Never']).optional(),
  containers: z.array(Container).min(1),
  volumes: z.array(z.object({ name: z.string(), secret: z.object({ secretName: z.string() }).optional() })).optional(),
});
const Deployment = z.object({
  apiVersion: z.literal('apps/v1'),
  kind: z.literal('Deployment'),
  metadata: Metadata,
  spec: z.object({
    replicas: z.number().int().positive(),
    strategy: z.object({ type: z.literal('RollingUpdate') }).optional(),
    selector: z.object({ matchLabels: Labels }),
    template: z.object({ metadata: z.object({ labels: Labels }), spec: PodSpec }),
  }),
});
const Service = z.object({
  apiVersion: z.literal('v1'),
  kind: z.literal('Service'),
  metadata: Metadata,
  spec: z.object({ selector: Labels, ports: z.array(z.object({ name: z.string(), port: z.number().int(), targetPort: z.string() })).min(1) }),
});
/** policy/v1: exactly one of minAvailable and maxUnavailable. */
const PodDisruptionBudget = z
  .object({
    apiVersion: z.literal('policy/v1'),
    kind: z.literal('PodDisruptionBudget'),
    metadata: Metadata,
    spec: z.object({ minAvailable: z.number().int().positive().optional(), maxUnavailable: z.number().int().positive().optional(), selector: z.object({ matchLabels: Labels }) }).strict(),
  })
  .refine(({ spec }) => (spec.minAvailable === undefined) !== (spec.maxUnavailable === undefined), 'a PodDisruptionBudget sets minAvailable or maxUnavailable');
const Job = z.object({ apiVersion: z.literal('batch/v1'), kind: z.literal('Job'), metadata: Metadata, spec: z.object({ backoffLimit: z.number().int(), template: z.object({ spec: PodSpec }) }) });
const CronJob = z.object({
  apiVersion: z.literal('batch/v1'),
  kind: z.literal('CronJob'),
  metadata: Metadata,
  spec: z.object({
    schedule: z.string().regex(/^(\S+ ){4}\S+$/, 'five cron fields'),
    concurrencyPolicy: z.literal('Forbid'),
    jobTemplate: z.object({ spec: z.object({ backoffLimit: z.number().int(), template: z.object({ spec: PodSpec }) }) }),
  }),
});
/** KEDA's ScaledObject (keda.sh/v1alpha1) with the nats-jetstream scaler's metadata (all strings). */
const ScaledObject = z.object({
  apiVersion: z.literal('keda.sh/v1alpha1'),
  kind: z.literal('ScaledObject'),
  metadata: Metadata,
  spec: z
    .object({
      scaleTargetRef: z.object({ name: z.string() }).strict(),
      minReplicaCount: z.number().int().positive(),
      maxReplicaCount: z.number().int().positive(),
      triggers: z
        .array(
          z.object({
            type: z.literal('nats-jetstream'),
            metadata: z.object({ natsServerMonitoringEndpoint: z.string().regex(/^[a-z0-9.-]+:\d+$/), account: z.string().min(1), stream: z.string(), consumer: z.string(), lagThreshold: z.string().regex(/^\d+$/) }).strict(),
          }),
        )
        .min(1),
    })
    .strict()
    .refine((spec) => spec.minReplicaCount <= spec.maxReplicaCount, 'minReplicaCount above maxReplicaCount'),
});

/** The official NATS chart's values that AgentOS relies on (chart 1.x). */
const NatsValues = z.object({
  fullnameOverride: z.string(),
  container: z.object({ image: z.object({ repository: z.literal('nats'), tag: z.string() }) }),
  config: z.object({
    cluster: z.object({ enabled: z.literal(true), replicas: z.number().int() }),
    jetstream: z.object({ enabled: z.literal(true), fileStore: z.object({ pvc: z.object({ size: z.string() }) }) }),
    monitor: z.object({ enabled: z.literal(true) }),
    merge: z.object({ max_payload: z.number().int(), max_control_line: z.number().int(), $include: z.string() }),
  }),
});

/** Bytes of a nats-server size (`8MB`: NATS counts MB as MiB). */
const bytes = (size: string) => {
  const [, n, unit] = /^(\d+)\s*(KB|MB|GB)?$/i.exec(size.trim()) ?? [];
  return Number(n) * 1024 ** ['', 'KB', 'MB', 'GB'].indexOf((unit ?? '').toUpperCase());
};
const agentosConf = (key: string) => bytes(new RegExp(`^${key}:\\s*(\\S+)`, 'm').exec(read('nats/agentos.conf'))?.[1] ?? '');
/** The nats-server the tests run (`nats-server --version`: "nats-server: v2.9.10"). */
const testedNatsVersion = () => /v(\d+\.\d+\.\d+)/.exec(execFileSync('nats-server', ['--version'], { encoding: 'utf8' }))?.[1];

/** Who works through a consumer `<service>-<type>` on a stream: the consumers the services declare. */
const sharedConsumers = (Object.keys(SERVICE_ROLES) as ServiceName[]).flatMap((service) => SERVICE_ROLES[service].consumes.map((type: StreamMessageType) => ({ service, consumer: `${service}-${type}`, stream: CATALOG[type].stream })));

/**
 * The Secrets of AGENTOS_SECRET_* lines an app reads its keys from: a writer of event-store streams (STREAM_WRITERS)
 * its own signing key, every service that seals or shows tenant data the tenant master key; no other app holds either.
 */
const keySecretsOf = (app: string): string[] => [
  ...(Object.hasOwn(STREAM_WRITERS, app) ? [`agentos-signing-${app}`] : []),
  ...(Object.hasOwn(STREAM_WRITERS, app) || app === 'gateway' ? ['agentos-tenant-master-key'] : []),
];

const natsValues = NatsValues.parse(parse(read('k8s/nats-values.yaml')));
const natsHosts = Array.from({ length: natsValues.config.cluster.replicas }, (_, i) => `${natsValues.fullnameOverride}-${i}.${natsValues.fullnameOverride}-headless:4222`);

describe('deploy/k8s (schema-checked: no cluster or Docker engine runs here)', () => {
  const docs = parseAllDocuments(read('k8s/agentos.yaml')).map((d) => d.toJS() as { kind: string });
  const all = (kind: string) => docs.filter((d) => d.kind === kind);
  const deployments = all('Deployment').map((d) => Deployment.parse(d));
  const services = all('Service').map((d) => Service.parse(d));
  const budgets = all('PodDisruptionBudget').map((d) => PodDisruptionBudget.parse(d));
  const scaled = all('ScaledObject').map((d) => ScaledObject.parse(d));
  const jobs = all('Job').map((d) => Job.parse(d));
  const cronJobs = all('CronJob').map((d) => CronJob.parse(d));
  const byName = (name: string) => deployments.find((d) => d.metadata.name === name);
  const selects = (selector: Record<string, string>, labels: Record<string, string>) => Object.entries(selector).every(([k, v]) => labels[k] === v);

  it('holds only kinds it checks', () => {
    expect([...new Set(docs.map((d) => d.kind))].sort()).toEqual(['CronJob', 'Deployment', 'Job', 'PodDisruptionBudget', 'ScaledObject', 'Service']);
  });

  it('has a valid Deployment for every app, whose selector matches its pods', () => {
    expect(deployments.map((d) => d.metadata.name).sort()).toEqual(APPS.map((app) => `agentos-${app}`).sort());
    for (const d of deployments) expect(d.spec.template.metadata.labels).toMatchObject(d.spec.selector.matchLabels);
  });

  it('runs three orchestrators, two of each other service, with disruption budgets that leave them running', () => {
    expect(byName('agentos-orchestrator')?.spec.replicas).toBe(3);
    for (const service of SERVICES.filter((s) => s !== 'orchestrator')) expect([service, byName(`agentos-${service}`)?.spec.replicas]).toEqual([service, 2]);
    for (const service of SERVICES) {
      const budget = budgets.find((b) => selects(b.spec.selector.matchLabels, byName(`agentos-${service}`)!.spec.template.metadata.labels));
      expect([service, budget?.metadata.name]).toEqual([service, `agentos-${service}`]);
    }
    const orchestrators = budgets.find((b) => b.metadata.name === 'agentos-orchestrator')!;
    expect(orchestrators.spec.minAvailable).toBe(2);
    for (const budget of budgets) {
      const target = deployments.find((d) => selects(budget.spec.selector.matchLabels, d.spec.template.metadata.labels))!;
      // A budget that allows no disruption at all would block node drains for good.
      expect(budget.spec.minAvailable ?? 0).toBeLessThan(target.spec.replicas);
    }
  });

  it('probes every service on the health endpoints the apps serve, through a declared port', () => {
    for (const d of deployments.filter((d) => SERVICES.some((s) => d.metadata.name === `agentos-${s}`))) {
      const [container] = d.spec.template.spec.containers;
      const ports = container.ports?.map((p) => p.name);
      expect([d.metadata.name, container.livenessProbe?.httpGet.path, container.readinessProbe?.httpGet.path]).toEqual([d.metadata.name, '/livez', '/readyz']);
      expect(ports).toContain(container.readinessProbe?.httpGet.port);
    }
  });

  it("reaches the NATS servers by the names the official chart's release gives them", () => {
    for (const container of [...deployments, ...jobs].flatMap((d) => d.spec.template.spec.containers)) {
      const url = container.env.find((e) => e.name === 'NATS_URL')?.value;
      expect([container.name, url?.split(',').map((u) => u.replace('nats://', ''))]).toEqual([container.name, natsHosts]);
    }
  });

  it('logs every app into NATS with its own creds file, mounted from a Secret of its own', () => {
    for (const d of deployments) {
      const [container] = d.spec.template.spec.containers;
      const creds = container.env.find((e) => e.name === 'NATS_CREDS')?.value;
      const mount = container.volumeMounts?.find((m) => creds?.startsWith(`${m.mountPath}/`));
      const volume = d.spec.template.spec.volumes?.find((v) => v.name === mount?.name);
      expect([d.metadata.name, volume?.secret?.secretName]).toEqual([d.metadata.name, `${d.metadata.name.replace('agentos-', 'agentos-nats-')}`]);
    }
    const files = deployments.map((d) => d.spec.template.spec.containers[0].env.find((e) => e.name === 'NATS_CREDS')?.value);
    expect(new Set(files).size).toBe(APPS.length);
  });

  it("gives each writing service its own signing key, and the services that handle tenant data the master key, from Secrets only", () => {
    for (const d of deployments) {
      const [container] = d.spec.template.spec.containers;
      const app = d.metadata.name.replace('agentos-', '');
      expect([app, (container.envFrom ?? []).map((e) => e.secretRef.name)]).toEqual([app, keySecretsOf(app)]);
      // No key is written into a manifest.
      expect([app, container.env.filter((e) => e.name.startsWith('AGENTOS_SECRET_')).map((e) => e.name)]).toEqual([app, []]);
    }
  });

  it('anchors every stream and applies the retention rules on a schedule, as the admin with the audit key no service holds', () => {
    const commands = cronJobs.map((j) => [j.metadata.name, j.spec.jobTemplate.spec.template.spec.containers[0].command?.slice(2)]);
    expect(commands).toEqual([
      ['agentos-audit-anchor', ['audit', 'anchor']],
      ['agentos-retention', ['retention', 'apply']],
    ]);
    for (const job of cronJobs) {
      const { containers, volumes } = job.spec.jobTemplate.spec.template.spec;
      expect([job.metadata.name, containers[0].envFrom?.map((e) => e.secretRef.name)]).toEqual([job.metadata.name, ['agentos-signing-audit', 'agentos-tenant-master-key']]);
      expect(containers[0].env.find((e) => e.name === 'NATS_CREDS')?.value).toBe('/run/agentos/nats/admin.creds');
      expect(volumes?.map((v) => v.secret?.secretName)).toEqual(['agentos-nats-admin']);
      const url = containers[0].env.find((e) => e.name === 'NATS_URL')?.value;
      expect(url?.split(',').map((u) => u.replace('nats://', ''))).toEqual(natsHosts);
    }
    // No service holds the audit key.
    for (const d of deployments) expect([d.metadata.name, d.spec.template.spec.containers[0].envFrom?.map((e) => e.secretRef.name)]).not.toEqual([d.metadata.name, expect.arrayContaining(['agentos-signing-audit'])]);
  });

  it('bootstraps every stream and bucket with a replica on each NATS server, as the admin', () => {
    expect(jobs.map((j) => j.metadata.name)).toEqual(['agentos-bootstrap']);
    const [container] = jobs[0].spec.template.spec.containers;
    expect(container.command).toEqual(['node', 'apps/cli/src/main.js', 'bootstrap', '--replicas', String(natsValues.config.cluster.replicas)]);
    expect(container.env.find((e) => e.name === 'NATS_CREDS')?.value).toBe('/run/agentos/nats/admin.creds');
  });

  it("scales worker services with KEDA on the lag of a consumer they share, read from the NATS servers' monitoring port", () => {
    expect(scaled.map((s) => s.metadata.name).sort()).toEqual(['agentos-orchestrator', 'agentos-policy', 'agentos-registry']);
    for (const object of scaled) {
      const target = byName(object.spec.scaleTargetRef.name);
      expect(target).toBeDefined();
      expect(object.spec.minReplicaCount).toBe(target!.spec.replicas);
      for (const { metadata } of object.spec.triggers) {
        expect(metadata.natsServerMonitoringEndpoint).toBe(`${natsValues.fullnameOverride}-headless.agentos.svc.cluster.local:8222`);
        expect(Object.keys(STREAMS)).toContain(metadata.stream);
        // The consumer is one the target service declares, on that stream.
        const shared = sharedConsumers.find((c) => c.consumer === metadata.consumer);
        expect([metadata.consumer, shared?.stream, `agentos-${shared?.service}`]).toEqual([metadata.consumer, metadata.stream, target!.metadata.name]);
      }
    }
  });

  it('runs the gateway on all interfaces, with its tokens file in a mounted Secret, probed on its API port, behind a Service', () => {
    const gateway = byName('agentos-gateway')!;
    const [container] = gateway.spec.template.spec.containers;
    const env = Object.fromEntries(container.env.map((e) => [e.name, e.value]));
    expect(env).toMatchObject({ AGENTOS_GATEWAY_HOST: '0.0.0.0', AGENTOS_GATEWAY_PORT: String(DEFAULT_GATEWAY_PORT) });
    const tokensMount = container.volumeMounts?.find((m) => env.AGENTOS_GATEWAY_TOKENS_FILE?.startsWith(`${m.mountPath}/`));
    expect(gateway.spec.template.spec.volumes?.find((v) => v.name === tokensMount?.name)?.secret?.secretName).toBe('agentos-gateway-tokens');
    expect(container.ports).toEqual([{ name: 'http', containerPort: DEFAULT_GATEWAY_PORT }]);
    expect(container.readinessProbe?.httpGet).toEqual({ path: '/readyz', port: 'http' });
    expect(services.find((s) => s.metadata.name === 'agentos-gateway')?.spec.ports).toEqual([{ name: 'http', port: DEFAULT_GATEWAY_PORT, targetPort: 'http' }]);
  });

  it('routes each Service to the pods and port it names', () => {
    for (const service of services) {
      const target = deployments.find((d) => selects(service.spec.selector, d.spec.template.metadata.labels));
      expect(target).toBeDefined();
      const ports = target!.spec.template.spec.containers.flatMap((c) => c.ports?.map((p) => p.name) ?? []);
      for (const port of service.spec.ports) expect(ports).toContain(port.targetPort);
    }
  });
});

describe("deploy/k8s/nats-values.yaml (the official NATS chart's values)", () => {
  it('runs a 3-node JetStream cluster with the settings of deploy/nats/agentos.conf, in operator mode', () => {
    expect(natsValues.config.cluster.replicas).toBe(3);
    expect(natsValues.config.merge.max_payload).toBe(agentosConf('max_payload'));
    expect(natsValues.config.merge.max_payload).toBe(8 * 1024 * 1024);
    expect(natsValues.config.merge.max_control_line).toBe(agentosConf('max_control_line'));
    // auth.conf (scripts/nats-config.ts --deploy), included relative to the chart's /etc/nats-config/nats.conf.
    expect(natsValues.config.merge.$include).toBe('../nats-auth/auth.conf');
  });

  it('runs the nats-server the tests run', () => {
    expect(natsValues.container.image.tag).toBe(`${testedNatsVersion()}-alpine`);
  });
});

describe('deploy/compose.yaml', () => {
  type ComposeService = {
    image?: string;
    build?: { args?: { APP?: string } };
    depends_on?: string[] | Record<string, { condition: string }>;
    command?: string[];
    environment?: Record<string, string>;
    env_file?: string[];
    volumes?: string[];
    ports?: string[];
    deploy?: { replicas?: number };
    healthcheck?: { test: string[] };
  };
  const compose = parse(read('compose.yaml'), { merge: true }) as { services: Record<string, ComposeService>; volumes: Record<string, unknown> };
  const nodes = ['nats-1', 'nats-2', 'nats-3'];

  it('composes a 3-node NATS cluster, EventStoreDB, the bootstrap and one service per app built with its APP', () => {
    expect(Object.keys(compose.services).sort()).toEqual([...APPS, 'bootstrap', 'audit-anchor', 'retention', 'eventstore', ...nodes].sort());
    for (const app of APPS) {
      expect([app, compose.services[app].build?.args?.APP]).toEqual([app, app]);
      // With auth on, an app whose streams are missing does not start.
      expect([app, compose.services[app].depends_on]).toEqual([app, { bootstrap: { condition: 'service_completed_successfully' }, eventstore: { condition: 'service_started' } }]);
    }
    expect(compose.services.bootstrap.build?.args?.APP).toBe('cli');
    expect(compose.services.bootstrap.command).toEqual(['node', 'apps/cli/src/main.js', 'bootstrap', '--replicas', String(nodes.length)]);
    expect(compose.services.bootstrap.environment?.NATS_CREDS).toBe('/run/agentos/nats/admin.creds');
  });

  it('runs two orchestrators', () => {
    expect(compose.services.orchestrator.deploy?.replicas).toBe(2);
  });

  it('runs NATS in operator mode with the 8 MB payload setting, its data and the event store on volumes, 4222 published', () => {
    for (const node of nodes) {
      // The configuration scripts/nats-config.ts --deploy writes: agentos.conf (max_payload 8MB) and auth.conf.
      expect(compose.services[node].command).toEqual(expect.arrayContaining(['-js', '-sd', '/data', '--cluster_name', 'agentos', '-c', '/etc/nats/agentos/agentos-operator.conf']));
      expect(compose.services[node].volumes).toEqual(['../.data/identity/deploy:/etc/nats/agentos:ro', `${node}-data:/data`]);
      expect(compose.services[node].image).toBe(`nats:${testedNatsVersion()}-alpine`);
    }
    expect(agentosConf('max_payload')).toBe(8 * 1024 * 1024);
    expect(compose.services['nats-1'].ports).toEqual(['4222:4222']);
    expect(compose.services.eventstore.volumes).toEqual(['eventstore-data:/var/lib/eventstore']);
    expect(compose.services.eventstore.command).toContain('--max-append-size=8388608');
    expect(Object.keys(compose.volumes).sort()).toEqual(['eventstore-data', 'nats-1-data', 'nats-2-data', 'nats-3-data']);
  });

  it('logs each app in with its own creds file, from the mounted creds directory', () => {
    const creds = APPS.map((app) => compose.services[app].environment?.NATS_CREDS);
    expect(creds.every((file) => file?.startsWith('/run/agentos/nats/'))).toBe(true);
    expect(new Set(creds).size).toBe(APPS.length);
    for (const app of [...APPS.filter((a) => a !== 'gateway'), 'bootstrap']) expect(compose.services[app].volumes).toEqual(['../.data/identity/creds:/run/agentos/nats:ro']);
  });

  it('reads the signing keys and the master key from env files under .data/secrets, never from the compose file', () => {
    for (const app of APPS) {
      const files = (compose.services[app].env_file ?? []).map((f) => f.replace('../.data/secrets/', '').replace('.env', ''));
      expect([app, files]).toEqual([app, keySecretsOf(app).map((name) => name.replace('agentos-signing-', '').replace('agentos-', ''))]);
      expect([app, Object.keys(compose.services[app].environment ?? {}).filter((name) => name.startsWith('AGENTOS_SECRET_'))]).toEqual([app, []]);
    }
  });

  it('runs the audit jobs as the admin with the audit key: anchors every 5 minutes, the retention rules hourly', () => {
    expect(compose.services['audit-anchor'].command).toEqual(['node', 'apps/cli/src/main.js', 'audit', 'anchor', '--every', '5m']);
    expect(compose.services.retention.command).toEqual(['node', 'apps/cli/src/main.js', 'retention', 'apply', '--every', '1h']);
    for (const job of ['audit-anchor', 'retention']) {
      expect([job, compose.services[job].build?.args?.APP, compose.services[job].environment?.NATS_CREDS, compose.services[job].env_file]).toEqual([
        job,
        'cli',
        '/run/agentos/nats/admin.creds',
        ['../.data/secrets/audit.env', '../.data/secrets/tenant-master-key.env'],
      ]);
    }
  });

  it('runs the gateway on all interfaces with its port published, its tokens file mounted, and a health check on /readyz', () => {
    const { environment, volumes, ports, healthcheck } = compose.services.gateway;
    expect(environment).toMatchObject({ AGENTOS_GATEWAY_HOST: '0.0.0.0', AGENTOS_GATEWAY_TOKENS_FILE: '/run/agentos/gateway/tokens.json' });
    expect(volumes).toEqual(['../.data/identity/creds:/run/agentos/nats:ro', '../.data/gateway/tokens.json:/run/agentos/gateway/tokens.json:ro']);
    expect(ports).toEqual([`${DEFAULT_GATEWAY_PORT}:${DEFAULT_GATEWAY_PORT}`]);
    expect(healthcheck?.test.join(' ')).toContain(`http://127.0.0.1:${DEFAULT_GATEWAY_PORT}/readyz`);
  });
});

/**
 * deploy/helm/agentos. `helm lint` and `helm template` cannot run here: no helm binary is packaged for Debian or
 * npm, and the NATS chart cannot be fetched. What is checked instead: the chart's metadata and values, that every
 * value a template reads exists, and that the values agree with the manifests of deploy/k8s checked above.
 */
describe('deploy/helm/agentos (values and templates read statically: helm cannot run here)', () => {
  const chart = parse(readFileSync(join(CHART, 'Chart.yaml'), 'utf8')) as { apiVersion: string; name: string; dependencies: { name: string; version: string; repository: string; condition?: string }[] };
  const values = parse(readFileSync(join(CHART, 'values.yaml'), 'utf8')) as Record<string, unknown> & { apps: Record<string, Record<string, unknown>>; nats: Record<string, unknown> };
  const templates = readdirSync(join(CHART, 'templates')).map((file) => ({ file, text: readFileSync(join(CHART, 'templates', file), 'utf8') }));
  const AppValues = z.object({
    replicas: z.number().int().positive(),
    resources: Resources,
    env: z.record(z.string(), z.string()),
    credentials: z.object({ secretName: z.string().startsWith('agentos-nats-'), file: z.string().endsWith('.creds') }),
    probes: z.boolean(),
    disruptionBudget: z.object({ minAvailable: z.number().int().positive() }).or(z.object({ maxUnavailable: z.number().int().positive() })).optional(),
    autoscaling: z.object({ stream: z.string(), consumer: z.string(), lagThreshold: z.number().int().positive(), maxReplicas: z.number().int().positive() }).optional(),
    service: z.object({ port: z.number().int(), servesHealth: z.boolean().optional() }).strict().optional(),
    secretFiles: z.object({ secretName: z.string(), mountPath: z.string().startsWith('/run/agentos/') }).strict().optional(),
    envFromSecrets: z.array(z.string()).optional(),
  }).strict();

  it('depends on the official NATS chart', () => {
    expect(chart).toMatchObject({ apiVersion: 'v2', name: 'agentos' });
    expect(chart.dependencies).toEqual([{ name: 'nats', version: expect.stringMatching(/^1\.\d+\.\d+$/), repository: 'https://nats-io.github.io/k8s/helm/charts/', condition: 'nats.enabled' }]);
  });

  it('has one values block per app (replicas, resources, env, creds from a Secret), agreeing with deploy/k8s', () => {
    expect(Object.keys(values.apps).sort()).toEqual([...APPS].sort());
    const manifests = parseAllDocuments(read('k8s/agentos.yaml')).map((d) => d.toJS() as { kind: string; metadata: { name: string }; spec: Record<string, unknown> });
    for (const [name, block] of Object.entries(values.apps)) {
      const app = AppValues.parse(block);
      const deployment = Deployment.parse(manifests.find((m) => m.kind === 'Deployment' && m.metadata.name === `agentos-${name}`));
      expect([name, app.replicas]).toEqual([name, deployment.spec.replicas]);
      expect([name, app.envFromSecrets ?? []]).toEqual([name, (deployment.spec.template.spec.containers[0].envFrom ?? []).map((e) => e.secretRef.name)]);
      expect([name, `/run/agentos/nats/${app.credentials.file}`]).toEqual([name, deployment.spec.template.spec.containers[0].env.find((e) => e.name === 'NATS_CREDS')?.value]);
      const budget = manifests.find((m) => m.kind === 'PodDisruptionBudget' && m.metadata.name === `agentos-${name}`);
      const limits = budget && Object.fromEntries(Object.entries(budget.spec).filter(([key]) => key !== 'selector'));
      expect([name, app.disruptionBudget]).toEqual([name, limits]);
      const scaledObject = manifests.find((m) => m.kind === 'ScaledObject' && m.metadata.name === `agentos-${name}`);
      const trigger = scaledObject && ScaledObject.parse(scaledObject).spec.triggers[0].metadata;
      expect([name, app.autoscaling && { stream: app.autoscaling.stream, consumer: app.autoscaling.consumer, lagThreshold: String(app.autoscaling.lagThreshold) }]).toEqual([
        name,
        trigger && { stream: trigger.stream, consumer: trigger.consumer, lagThreshold: trigger.lagThreshold },
      ]);
    }
    expect(values.apps.orchestrator).toMatchObject({ replicas: 3, disruptionBudget: { minAvailable: 2 } });
  });

  it("gives the gateway deploy/k8s's settings: its environment, its tokens Secret where that file is read, health on its API port", () => {
    const gateway = AppValues.parse(values.apps.gateway);
    const manifests = parseAllDocuments(read('k8s/agentos.yaml')).map((d) => d.toJS() as { kind: string; metadata: { name: string } });
    const deployment = Deployment.parse(manifests.find((m) => m.kind === 'Deployment' && m.metadata.name === 'agentos-gateway'));
    const [container] = deployment.spec.template.spec.containers;
    const k8sEnv = Object.fromEntries(container.env.filter((e) => e.name.startsWith('AGENTOS_')).map((e) => [e.name, e.value]));
    expect(gateway.env).toEqual(k8sEnv);
    const mount = container.volumeMounts?.find((m) => m.mountPath === gateway.secretFiles?.mountPath);
    expect(deployment.spec.template.spec.volumes?.find((v) => v.name === mount?.name)?.secret?.secretName).toBe(gateway.secretFiles?.secretName);
    expect(gateway.service).toEqual({ port: DEFAULT_GATEWAY_PORT, servesHealth: true });
    const deployments = templates.find((t) => t.file === 'deployments.yaml')!.text;
    // Probes and the health port follow servesHealth: an app with its own health port would otherwise declare 8080 twice.
    expect(deployments).toContain('ternary "http" "health" (dig "service" "servesHealth" false $app)');
    expect(deployments).toMatch(/readinessProbe:\s*httpGet: \{ path: \/readyz, port: \{\{ \$probePort \}\} \}/);
  });

  it('gives its NATS dependency the values of deploy/k8s/nats-values.yaml', () => {
    const { enabled, ...nats } = values.nats;
    expect(enabled).toBe(true);
    expect(nats).toEqual(parse(read('k8s/nats-values.yaml')));
    expect(values.natsUrl).toBe(natsHosts.map((host) => `nats://${host}`).join(','));
    expect((values.bootstrap as { streamReplicas: number }).streamReplicas).toBe(natsValues.config.cluster.replicas);
  });

  it('reads only values that exist, from balanced template actions', () => {
    const has = (path: string[]) => path.reduce<unknown>((node, key) => (node && typeof node === 'object' && key in node ? (node as Record<string, unknown>)[key] : undefined), values) !== undefined;
    const appKeys = new Set(Object.values(values.apps).flatMap((app) => Object.keys(app)));
    for (const { file, text } of templates) {
      expect([file, (text.match(/\{\{/g) ?? []).length]).toEqual([file, (text.match(/\}\}/g) ?? []).length]);
      for (const [, path] of text.matchAll(/\.Values((?:\.\w+)+)/g)) expect([file, path, has(path.slice(1).split('.'))]).toEqual([file, path, true]);
      for (const [, key] of text.matchAll(/\$app\.(\w+)/g)) expect([file, key, appKeys.has(key)]).toEqual([file, key, true]);
    }
    expect(templates.map((t) => t.file).sort()).toEqual(['_helpers.tpl', 'audit-jobs.yaml', 'bootstrap-job.yaml', 'deployments.yaml', 'disruption-budgets.yaml', 'scaled-objects.yaml', 'services.yaml']);
  });

  it("schedules deploy/k8s's audit CronJobs with its keys and the admin's creds", () => {
    const audit = values.auditJobs as { envFromSecrets: string[]; credentials: { secretName: string }; jobs: Record<string, { schedule: string; args: string[] }> };
    const cronJobs = parseAllDocuments(read('k8s/agentos.yaml')).map((d) => d.toJS() as { kind: string }).filter((d) => d.kind === 'CronJob').map((d) => CronJob.parse(d));
    expect(Object.entries(audit.jobs).map(([name, job]) => [`agentos-${name}`, job.schedule, job.args])).toEqual(
      cronJobs.map((j) => [j.metadata.name, j.spec.schedule, j.spec.jobTemplate.spec.template.spec.containers[0].command?.slice(2)]),
    );
    expect(audit.envFromSecrets).toEqual(cronJobs[0].spec.jobTemplate.spec.template.spec.containers[0].envFrom?.map((e) => e.secretRef.name));
    expect(audit.credentials.secretName).toBe('agentos-nats-admin');
  });
});
