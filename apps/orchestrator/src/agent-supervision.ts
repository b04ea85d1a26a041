import { EVENT_STREAMS, causedBy, createMessage, deriveId, type AnyMessage, type MessageOf } from '@agentos/contracts';
import { EventRecorder } from '@agentos/decider';
import { JetStreamClientProxy } from '@agentos/messaging';
import { checkPolicy } from '@agentos/policy-client';
import { ServiceContext } from '@agentos/service-host';
import { Supervisor, loadTemplates, type AgentTemplates } from '@agentos/supervisor';
import { Controller, type OnModuleDestroy } from '@nestjs/common';
import { EventPattern, Payload } from '@nestjs/microservices';
import { existsSync } from 'node:fs';
import { isAbsolute, join } from 'node:path';
import type { OrchestratorSettings } from './orchestrator.settings';

/**
 * The configured templates. Without AGENTOS_AGENT_TEMPLATES a missing default file means none (an image
 * that runs agents elsewhere needs no templates); a file that was named must exist.
 */
function templatesFrom(service: ServiceContext<OrchestratorSettings>, root: string): AgentTemplates {
  const named = service.settings.AGENTOS_AGENT_TEMPLATES;
  const file = named ?? 'deploy/agents/templates.yaml';
  const path = isAbsolute(file) ? file : join(root, file);
  if (!named && !existsSync(path)) {
    service.log.info({ path }, 'no agent templates: SpawnAgent will be refused');
    return {};
  }
  return loadTemplates(path);
}

/**
 * SpawnAgent and TerminateAgent: agent worker processes started from the templates in
 * AGENTOS_AGENT_TEMPLATES (default deploy/agents/templates.yaml under AGENTOS_SUPERVISOR_ROOT, the
 * working directory by default), restarted with back-off when they crash, and stopped by a kill
 * switch on their agent. Every spawn, exit and termination is recorded in the agent's history.
 */
@Controller()
export class AgentSupervision implements OnModuleDestroy {
  private readonly supervisor: Supervisor;
  private readonly actor;

  constructor(
    private readonly bus: JetStreamClientProxy,
    private readonly recorder: EventRecorder,
    private readonly service: ServiceContext<OrchestratorSettings>,
  ) {
    this.actor = { kind: 'service' as const, id: service.name };
    const root = service.settings.AGENTOS_SUPERVISOR_ROOT ?? process.cwd();
    const origin = { tenant: 'system', actor: this.actor };
    this.supervisor = new Supervisor({
      templates: templatesFrom(service, root),
      root,
      env: service.env,
      events: {
        spawned: (e) => void this.record(createMessage('AgentSpawned', e, origin)),
        exited: (e) => void this.record(createMessage('AgentExited', e, origin)),
        terminated: (e) => void this.record(createMessage('AgentTerminated', e, origin)),
        spawnFailed: (e) => service.log.error({ instanceId: e.instanceId, error: e.error }, 'agent process could not start'),
      },
      log: (instanceId, stream, line) => service.log.debug({ instanceId, stream }, line),
    });
  }

  async onModuleDestroy(): Promise<void> {
    await this.supervisor.stop();
  }

  @EventPattern('SpawnAgent')
  async spawn(@Payload() message: MessageOf<'SpawnAgent'>) {
    const { template, count } = message.payload;
    const refused = (reason: string) => this.record(causedBy(message, 'SpawnAgentRefused', { template, reason }, this.actor));
    const verdict = await this.allowed(message, { kind: 'agent-template', name: template });
    if (verdict.effect !== 'allow') return refused(`policy: ${verdict.reason} (rule ${verdict.rule ?? 'none'})`);
    try {
      this.supervisor.spawn(template, { count });
    } catch (error) {
      await refused((error as Error).message);
    }
  }

  @EventPattern('TerminateAgent')
  async terminate(@Payload() message: MessageOf<'TerminateAgent'>) {
    const { instanceId, reason } = message.payload;
    const verdict = await this.allowed(message, { kind: 'agent-instance', name: instanceId });
    if (verdict.effect !== 'allow') {
      const refusal = causedBy(message, 'TerminateAgentRefused', { instanceId, reason: `policy: ${verdict.reason} (rule ${verdict.rule ?? 'none'})` }, this.actor);
      return this.record(refusal, EVENT_STREAMS.supervisedInstance(instanceId));
    }
    // Unknown here: another orchestrator instance (or nobody) supervises it.
    await this.supervisor.terminate(instanceId, reason);
  }

  /**
   * Starting and stopping agents is policy's call (action agent.spawn) before anything starts or stops;
   * an approval cannot be waited for here, so only allow lets it through. Fails closed when policy does not answer.
   */
  private allowed(message: MessageOf<'SpawnAgent'> | MessageOf<'TerminateAgent'>, resource: { kind: string; name: string }) {
    const origin = { tenant: message.tenant, actor: this.actor, correlationId: message.correlationId };
    const check = { requestId: deriveId(message.id, 'policy', 'agent.spawn'), action: 'agent.spawn' as const, subject: { owner: message.actor.id }, resource, context: { by: `${message.actor.kind}:${message.actor.id}` } };
    return checkPolicy((query, timeoutMs) => this.bus.query(query, timeoutMs), origin, check);
  }

  @EventPattern('KillSwitchActivated')
  async killed(@Payload() message: MessageOf<'KillSwitchActivated'>) {
    const { scope, target, reason } = message.payload;
    if (scope !== 'agent' && scope !== 'global') return;
    const agents = new Set(this.supervisor.list().map((i) => i.agent).filter((agent) => scope === 'global' || agent === target));
    for (const agent of agents) await this.supervisor.terminateAgent(agent, `kill switch (${scope} ${target}): ${reason}`);
  }

  /**
   * In the agent's supervision history first (or the given stream), then published. Not `agent-<name>`: that is
   * the registry's, and an event-store stream has one writer.
   */
  private async record(event: AnyMessage & { payload: { agent?: string; template?: string } }, stream = EVENT_STREAMS.supervision(event.payload.agent ?? event.payload.template ?? '')): Promise<void> {
    try {
      await this.recorder.record(stream, [event]);
    } catch (error) {
      this.service.log.error({ err: error, event: event.type }, 'supervisor event not recorded');
    }
  }
}
