import { agentSettings } from '@agentos/agent-sdk';
import { list, oneOf } from '@agentos/config';
import { LOG_LEVELS } from '@agentos/service-host';
import type { z } from 'zod';
import { DEMO_AGENTS } from './demo-agents';

export const demoAgentSettings = agentSettings.extend({
  LOG_LEVEL: oneOf(LOG_LEVELS, 'info'),
  /** Comma-separated names of the demo agents to run; all by default. */
  AGENTOS_DEMO_AGENTS: list(Object.keys(DEMO_AGENTS)),
});

export type DemoAgentSettings = z.output<typeof demoAgentSettings>;
