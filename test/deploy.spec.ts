import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse, parseAllDocuments } from 'yaml';
import { z } from 'zod';
import { APPS } from '../scripts/processes';

const DEPLOY = join(__dirname, '../deploy');
const SERVICES = APPS.filter((app) => app !== 'demo-agent');

const Labels = z.record(z.string(), z.string());
const Probe = z.object({ httpGet: z.object({ path: z.string().startsWith('/'), port: z.string() }), periodSeconds: z.number().int().positive() });
const Container = z.object({
  name: z.string(),
  image: z.string().regex(/^agentos\/[a-z-]+:\d+\.\d+\.\d+$/, 'image must be agentos/<app>:<semver>'),
  env: z.array(z.object({ name: z.string(), value: z.string().optional(), valueFrom: z.unknown().optional() }).refine((e) => e.value !== undefined || e.valueFrom !== undefined, 'env needs value or valueFrom')),
  ports: z.array(z.object({ name: z.string(), containerPort: z.number().int().min(1).max(65535) })).min(1),
  volumeMounts: z.array(z.object({ name: z.string(), mountPath: z.string() })).optional(),
  livenessProbe: Probe.optional(),
  readinessProbe: Probe.optional(),
  resources: z.object({ requests: z.object({ cpu: z.string(), memory: z.string() }), limits: z.object({ memory: z.string() }) }),
});
const Deployment = z.object({
  apiVersion: z.literal('apps/v1'),
  kind: z.literal('Deployment'),
  metadata: z.object({ name: z.string(), namespace: z.string(), labels: Labels }),
  spec: z.object({
    replicas: z.number().int().positive(),
    selector: z.object({ matchLabels: Labels }),
    template: z.object({ metadata: z.object({ labels: Labels }), spec: z.object({
        terminationGracePeriodSeconds: z.number().int().positive(),
        containers: z.array(Container).min(1),
        volumes: z.array(z.object({ name: z.string(), secret: z.object({ secretName: z.string() }).optional() })).optional(),
      }),
    }),
  }),
});
const Service = z.object({
  apiVersion: z.literal('v1'),
  kind: z.literal('Service'),
  metadata: z.object({ name: z.string(), namespace: z.string() }),
  spec: z.object({ selector: Labels, ports: z.array(z.object({ name: z.string(), port: z.number().int(), targetPort: z.string() })).min(1) }),
});

describe('deploy/ manifests (schema-checked: no cluster or Docker engine runs here)', () => {
  const docs = parseAllDocuments(readFileSync(join(DEPLOY, 'k8s/agentos.yaml'), 'utf8')).map((d) => d.toJS() as { kind: string });
  const deployments = docs.filter((d) => d.kind === 'Deployment').map((d) => Deployment.parse(d));
  const services = docs.filter((d) => d.kind === 'Service').map((d) => Service.parse(d));

  it('has a valid Deployment for every app, whose selector matches its pods', () => {
    expect(deployments.map((d) => d.metadata.name).sort()).toEqual(APPS.map((app) => `agentos-${app}`).sort());
    for (const d of deployments) expect(d.spec.template.metadata.labels).toMatchObject(d.spec.selector.matchLabels);
  });

  it('probes every service on the health endpoints the apps serve, through a declared port', () => {
    for (const d of deployments.filter((d) => SERVICES.some((s) => d.metadata.name === `agentos-${s}`))) {
      const [container] = d.spec.template.spec.containers;
      const ports = container.ports.map((p) => p.name);
      expect([d.metadata.name, container.livenessProbe?.httpGet.path, container.readinessProbe?.httpGet.path]).toEqual([d.metadata.name, '/livez', '/readyz']);
      expect(ports).toContain(container.readinessProbe?.httpGet.port);
      expect(container.env.map((e) => e.name)).toContain('NATS_URL');
    }
  });

  it("logs every app into NATS with its own creds file, mounted from a Secret of its own", () => {
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

  it('routes each Service to the pods and port it names', () => {
    for (const service of services) {
      const target = deployments.find((d) => Object.entries(service.spec.selector).every(([k, v]) => d.spec.template.metadata.labels[k] === v));
      expect(target).toBeDefined();
      const ports = target!.spec.template.spec.containers.flatMap((c) => c.ports.map((p) => p.name));
      for (const port of service.spec.ports) expect(ports).toContain(port.targetPort);
    }
  });

  it('composes a 3-node NATS cluster, EventStoreDB and one container per app built with its APP', () => {
    const compose = parse(readFileSync(join(DEPLOY, 'compose.yaml'), 'utf8'), { merge: true }) as {
      services: Record<string, { build?: { args?: { APP?: string } }; depends_on?: string[]; command?: string[]; environment?: Record<string, string>; volumes?: string[] }>;
    };
    expect(Object.keys(compose.services).sort()).toEqual([...APPS, 'eventstore', 'nats-1', 'nats-2', 'nats-3'].sort());
    for (const app of APPS) {
      expect([app, compose.services[app].build?.args?.APP]).toEqual([app, app]);
      expect(compose.services[app].depends_on).toEqual(['nats-1', 'nats-2', 'nats-3', 'eventstore']);
    }
    for (const node of ['nats-1', 'nats-2', 'nats-3']) {
      // Operator mode: the configuration scripts/nats-config.ts --deploy writes, mounted from the identity directory.
      expect(compose.services[node].command).toEqual(expect.arrayContaining(['-js', '--cluster_name', 'agentos', '-c', '/etc/nats/agentos/agentos-operator.conf']));
      expect(compose.services[node].volumes).toEqual(['../.data/identity/deploy:/etc/nats/agentos:ro']);
    }
    // Each app logs in with its own creds file, from the mounted creds directory.
    const creds = APPS.map((app) => compose.services[app].environment?.NATS_CREDS);
    expect(creds.every((file) => file?.startsWith('/run/agentos/nats/'))).toBe(true);
    expect(new Set(creds).size).toBe(APPS.length);
    for (const app of APPS) expect(compose.services[app].volumes).toEqual(['../.data/identity/creds:/run/agentos/nats:ro']);
  });
});
