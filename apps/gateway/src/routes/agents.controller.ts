import { Name, createMessage, type MessageOf } from '@agentos/contracts';
import { Controller, Get, Param, Post, Req, Res } from '@nestjs/common';
import type { Request, Response } from '../http/express';
import { EVERY_ROLE } from '../access/gateway-access';
import { PrincipalBus } from '../access/principal-bus';
import { AgentList, AgentsQuery, Sent, SpawnRequest, TerminateRequest } from '../api-schemas';
import { GatewayContext } from '../gateway-context';
import { Idempotency } from '../http/idempotency';
import { invalidRequest, notFound } from '../http/problem';
import { checked, jsonBody } from '../http/request-body';
import { respond } from '../http/respond';
import { Route } from '../openapi';

/** Supervised processes serve every tenant: platform operators only (see admitPlatformOperator). */
const PLATFORM_OPERATORS = ['operator'] as const;

/** The registry's agents (FindAgents) and the supervisor's processes (SpawnAgent, TerminateAgent). */
@Controller('v1/agents')
export class AgentsController {
  constructor(
    private readonly context: GatewayContext,
    private readonly bus: PrincipalBus,
    private readonly idempotency: Idempotency,
  ) {}

  @Get()
  @Route({ summary: 'Registered agents and their instances', roles: EVERY_ROLE, ok: { status: 200, schema: AgentList }, problems: [400] })
  async list(@Req() request: Request): Promise<unknown> {
    const principal = this.context.access.admit(request, EVERY_ROLE);
    const query = checked(AgentsQuery, request.query);
    const { agents } = await this.bus.client(principal).query(createMessage('FindAgents', { ...(query.capability ? { capability: query.capability } : {}), includeDown: query.includeDown === 'true' }, this.bus.origin(principal)));
    return { agents };
  }

  @Post(':name/spawn')
  @Route({ summary: 'Start worker processes of an agent template (SpawnAgent; checked by policy as agent.spawn)', roles: PLATFORM_OPERATORS, body: SpawnRequest, ok: { status: 202, schema: Sent }, problems: [400, 403, 409], idempotent: true })
  async spawn(@Req() request: Request, @Res() response: Response, @Param('name') name: string): Promise<void> {
    const principal = this.context.access.admitPlatformOperator(request);
    const template = checked(Name, name, 'name');
    const body = await jsonBody(request, SpawnRequest);
    const answer = await this.idempotency.once(request, principal, body, async () => {
      const command = createMessage('SpawnAgent', { template, count: body.count }, this.bus.origin(principal, this.idempotency.commandId(principal, this.idempotency.keyOf(request), 'spawn')));
      await this.bus.client(principal).publishMessage(command);
      return { status: 202, body: { sent: command.type, messageIds: [command.id] } };
    });
    respond(response, answer);
  }

  @Post(':name/terminate')
  @Route({ summary: 'Terminate one instance of an agent, or every instance (TerminateAgent)', roles: PLATFORM_OPERATORS, body: TerminateRequest, ok: { status: 202, schema: Sent }, problems: [400, 403, 404, 409], idempotent: true })
  async terminate(@Req() request: Request, @Res() response: Response, @Param('name') name: string): Promise<void> {
    const principal = this.context.access.admitPlatformOperator(request);
    const agent = checked(Name, name, 'name');
    const body = await jsonBody(request, TerminateRequest);
    const answer = await this.idempotency.once(request, principal, body, async () => {
      const client = this.bus.client(principal);
      const { agents } = await client.query(createMessage('FindAgents', { name: agent }, this.bus.origin(principal)));
      const instances = agents.map((a) => a.instanceId).filter((instanceId) => body.instanceId === undefined || instanceId === body.instanceId);
      if (instances.length === 0) throw body.instanceId ? invalidRequest([{ path: 'instanceId', message: `no live instance ${body.instanceId} of ${agent}` }]) : notFound(`no live instance of agent ${agent}`);
      const key = this.idempotency.keyOf(request);
      const commands: MessageOf<'TerminateAgent'>[] = instances.map((instanceId) =>
        createMessage('TerminateAgent', { instanceId, reason: body.reason }, this.bus.origin(principal, this.idempotency.commandId(principal, key, `terminate:${instanceId}`))),
      );
      await client.publishAll(commands);
      return { status: 202, body: { sent: 'TerminateAgent', messageIds: commands.map((c) => c.id) } };
    });
    respond(response, answer);
  }
}
