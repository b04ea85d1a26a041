import { runAgent } from '@agentos/agent-sdk';
import { effectiveSettings, parseSettings } from '@agentos/config';
import { createLogger } from '@agentos/service-host';
import { demoAgentSettings } from './demo-agent.settings';
import { selectDemoAgents } from './demo-agents';

/** Runs the selected demo agents in this process; each registers and heartbeats as its own instance. */
async function main() {
  const settings = parseSettings(demoAgentSettings, process.env);
  const log = createLogger('demo-agents', settings.LOG_LEVEL);
  log.info({ event: 'service.config', settings: effectiveSettings(demoAgentSettings, settings) }, 'demo-agents configuration');
  const agents = selectDemoAgents(settings.AGENTOS_DEMO_AGENTS);
  const base = settings.AGENTOS_INSTANCE_ID;
  const running = await Promise.all(agents.map((agent) => runAgent(agent, { log: log.child({ agent: agent.name }), ...(base ? { instanceId: agents.length > 1 ? `${base}-${agent.name}` : base } : {}) })));
  log.info({ event: 'service.started', agents: running.map((agent) => agent.instanceId) }, 'demo agents started');
  const stop = () => void Promise.all(running.map((agent) => agent.stop())).then(() => process.exit(0));
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
}

main().catch((error: Error) => {
  // At the default level: LOG_LEVEL itself may be what was refused.
  createLogger('demo-agents').fatal({ err: error }, 'agents failed to start');
  process.exit(1);
});
