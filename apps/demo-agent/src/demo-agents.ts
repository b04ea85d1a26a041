import type { AgentDefinition } from '@agentos/agent-sdk';
import { notifier } from './notifier.agent';
import { payments } from './payments.agent';
import { researcher } from './researcher.agent';
import { reviewer } from './reviewer.agent';
import { summariser } from './summariser.agent';

/** Every demo agent, by name; the example workflows in examples/ use them all. */
export const DEMO_AGENTS: Record<string, AgentDefinition<never, unknown>> = Object.fromEntries(
  [summariser, researcher, reviewer, payments, notifier].map((agent) => [agent.name, agent as AgentDefinition<never, unknown>]),
);

/** AGENTOS_DEMO_AGENTS (names, parsed by demoAgentSettings) picks which to run. */
export function selectDemoAgents(names: string[]): AgentDefinition<never, unknown>[] {
  const unknown = names.filter((name) => !DEMO_AGENTS[name]);
  if (unknown.length > 0) throw new Error(`AGENTOS_DEMO_AGENTS names unknown agents: ${unknown.join(', ')} (known: ${Object.keys(DEMO_AGENTS).join(', ')})`);
  return names.map((name) => DEMO_AGENTS[name]);
}
