import { spawnApp } from '../scripts/processes';

/** Runs an app as its own process until it exits (or is stopped after its configuration line); its log lines. */
async function runApp(name: string, env: NodeJS.ProcessEnv): Promise<{ code: number | null; lines: Record<string, unknown>[] }> {
  const lines: Record<string, unknown>[] = [];
  const app = spawnApp(name, env, (line) => {
    lines.push(line);
    if (line.event === 'service.config') app.child.kill('SIGKILL');
  });
  return { code: await app.exited, lines };
}

// Nothing listens here: the apps stop before they connect, or are stopped once they logged their configuration.
const NO_NATS = 'nats://127.0.0.1:1';

describe('app configuration at start', () => {
  it('refuses to start, exit code 1, naming each bad variable and why', async () => {
    const { code, lines } = await runApp('registry', { NATS_URL: NO_NATS, AGENTOS_LIVENESS_TIMEOUT_MS: '10 seconds', AGENTOS_STREAM_REPLICAS: 'three' });
    expect(code).toBe(1);
    const fatal = lines.find((line) => line.level === 60);
    const message = (fatal?.err as { message?: string } | undefined)?.message;
    expect(message).toContain('AGENTOS_LIVENESS_TIMEOUT_MS: expected a positive duration');
    expect(message).toContain('"10 seconds"');
    expect(message).toContain('AGENTOS_STREAM_REPLICAS: expected a whole number from 1 to 5; got "three"');
    expect(lines.some((line) => line.event === 'service.config')).toBe(false);
  }, 30_000);

  it('an agent process refuses a heartbeat period that is not a duration', async () => {
    const { code, lines } = await runApp('demo-agent', { NATS_URL: NO_NATS, AGENTOS_HEARTBEAT_MS: '2x' });
    expect(code).toBe(1);
    expect(JSON.stringify(lines.find((line) => line.level === 60))).toContain('AGENTOS_HEARTBEAT_MS: expected a positive duration');
  }, 30_000);

  it('logs the effective configuration once, with defaults filled in and no secret values', async () => {
    const secrets = { password: 'hunter2-nats', apiKey: 'sk-live-do-not-log', secretsKey: 'c2VjcmV0LWtleS1tYXRlcmlhbA' };
    const { lines } = await runApp('demo-agent', {
      NATS_URL: `nats://agent:${secrets.password}@127.0.0.1:1`,
      AGENTOS_HEARTBEAT_MS: '2s',
      AGENTOS_LLM_API_KEY: secrets.apiKey,
      AGENTOS_SECRETS_KEY: secrets.secretsKey,
      AGENTOS_DEMO_AGENTS: 'summariser',
    });
    const config = lines.filter((line) => line.event === 'service.config');
    expect(config).toHaveLength(1);
    expect(config[0].settings).toMatchObject({
      NATS_URL: ['nats://agent:[redacted]@127.0.0.1:1'],
      AGENTOS_HEARTBEAT_MS: 2_000,
      AGENTOS_STEP_LEASE_MS: 10_000,
      AGENTOS_LLM_API_KEY: '[redacted]',
      AGENTOS_SECRETS_KEY: '[redacted]',
      AGENTOS_DEMO_AGENTS: ['summariser'],
    });
    const logged = JSON.stringify(lines);
    for (const value of Object.values(secrets)) expect(logged).not.toContain(value);
  }, 30_000);
});
