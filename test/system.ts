import { runAgent, type RunningAgent } from '@agentos/agent-sdk';
import { createMessage, type Origin } from '@agentos/contracts';
import { JetStreamClientProxy, NatsConnector } from '@agentos/messaging';
import { startService } from '@agentos/service-host';
import { startNatsServer, waitFor, type NatsServerHandle } from '@agentos/testing';
import type { INestMicroservice } from '@nestjs/common';
import pino from 'pino';
import { summariser } from '../apps/demo-agent/src/summariser.agent';
import { memoryService } from '../apps/memory/src/memory.module';
import { observabilityService } from '../apps/observability/src/observability.module';
import { orchestratorService } from '../apps/orchestrator/src/orchestrator.module';
import { policyService } from '../apps/policy/src/policy.module';
import { registryService } from '../apps/registry/src/registry.module';

export const SERVICES = [orchestratorService, registryService, memoryService, policyService, observabilityService];

export interface RunningSystem {
  nats: NatsServerHandle;
  client: JetStreamClientProxy;
  origin: Origin;
  stop(): Promise<void>;
}

/** The whole system in this process, on a private nats-server: five services and the demo agent. */
export async function startSystem(): Promise<RunningSystem> {
  const nats = await startNatsServer();
  const env = { NATS_URL: nats.url };
  const log = pino({ level: process.env.TEST_LOG_LEVEL ?? 'silent' });
  const services: INestMicroservice[] = [];
  for (const service of SERVICES) {
    services.push(await startService(service, { env, log: log.child({ service: service.name }), handleSignals: false, retry: { initialBackoffMs: 50, maxBackoffMs: 500 } }));
  }
  const agent: RunningAgent = await runAgent(summariser, { nats: { servers: nats.url, name: 'agent-summariser' }, instanceId: 'e2e-1' });
  const client = new JetStreamClientProxy(new NatsConnector({ servers: nats.url, name: 'e2e-client' }));
  await client.connect();
  const origin: Origin = { tenant: 'acme', actor: { kind: 'user', id: 'alice' } };
  await waitFor(
    () => client.query(createMessage('FindAgents', { capability: 'summarise' }, origin)),
    (reply) => reply.agents.some((a) => a.name === 'summariser'),
    { what: 'the summariser to register' },
  );
  return {
    nats,
    client,
    origin,
    async stop() {
      await client.close();
      await agent.stop();
      await Promise.all(services.map((service) => service.close()));
      await nats.stop();
    },
  };
}
