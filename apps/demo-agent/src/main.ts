import { runAgent } from '@agentos/agent-sdk';
import { createLogger } from '@agentos/service-host';
import { selectDemoAgents } from './demo-agents';

const log = createLogger('demo-agents');

/** Runs the selected demo agents in this process; each registers and heartbeats as its own instance. */
async function main() {
  const agents = selectDemoAgents(process.env);
  const base = process.env.AGENTOS_INSTANCE_ID;
  const running = await Promise.all(agents.map((agent) => runAgent(agent, { log: log.child({ agent: agent.name }), ...(base ? { instanceId: agents.length > 1 ? `${base}-${agent.name}` : base } : {}) })));
  log.info({ event: 'service.started', agents: running.map((agent) => agent.instanceId) }, 'demo agents started');
  const stop = () => void Promise.all(running.map((agent) => agent.stop())).then(() => process.exit(0));
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
}

main().catch((error: Error) => {
  log.fatal({ err: error }, 'agents failed to start');
  process.exit(1);
});
