import { DEMO_AGENTS, agentUser, identityDirFromEnv, type NatsCredentials } from '@agentos/testing';
import { join } from 'node:path';
import { APPS, spawnApp, type AppProcess } from './processes';

/**
 * Local runs (`npm start`, `npm run nats`) are secure by default: NATS in operator mode on the identity in
 * AGENTOS_IDENTITY_DIR (.data/identity, generated on first start), every app on its own creds. AGENTOS_INSECURE=1
 * runs NATS without authentication, and says so every time.
 */
export function localAuth(say: (line: string) => void): { identityDir: string } | undefined {
  if (process.env.AGENTOS_INSECURE === '1') {
    say('WARNING: AGENTOS_INSECURE=1: NATS runs WITHOUT authentication; any local process can publish as any tenant and principal');
    return undefined;
  }
  return { identityDir: identityDirFromEnv() };
}

/**
 * The apps, each as its own process. With credentials each logs in as its own principal (NATS_CREDS), and each
 * demo agent runs in a process of its own: an agent's creds let it act as that agent only. `ownEnv`: what only
 * that app gets (its signing key).
 */
export function spawnSystem(env: NodeJS.ProcessEnv, credentials?: Readonly<Record<string, NatsCredentials>>, logDir?: string, ownEnv: Record<string, NodeJS.ProcessEnv> = {}): AppProcess[] {
  // Each app appends its log to <logDir>/<app>.log (each demo agent to demo-agent-<name>.log).
  const spawn = (name: string, appEnv: NodeJS.ProcessEnv, logName = name) => spawnApp(name, { ...appEnv, ...ownEnv[name] }, undefined, logDir ? { logFile: join(logDir, `${logName}.log`) } : {});
  if (!credentials) return APPS.map((name) => spawn(name, env));
  const creds = (user: string) => {
    const found = credentials[user];
    if (!found) throw new Error(`no NATS creds for ${user}`);
    return found.creds;
  };
  return [
    ...APPS.filter((name) => name !== 'demo-agent').map((name) => spawn(name, { ...env, NATS_CREDS: creds(name) })),
    ...DEMO_AGENTS.map((agent) => spawn('demo-agent', { ...env, AGENTOS_DEMO_AGENTS: agent, NATS_CREDS: creds(agentUser(agent)) }, `demo-agent-${agent}`)),
  ];
}
