import { DocumentError, createMessage, decodeMessage, subjectFilter, type AnyMessage, type MessageOf } from '@agentos/contracts';
import { parsePolicyBundle } from '@agentos/policy-engine';
import { Controller, Delete, Get, Post, Put, Req, Res } from '@nestjs/common';
import type { Request, Response } from '../http/express';
import { killSwitchRefusal } from '@agentos/identity';
import { EVERY_ROLE } from '../access/gateway-access';
import type { GatewayPrincipal } from '../access/gateway-tokens';
import { PrincipalBus } from '../access/principal-bus';
import { KillSwitchRelease, KillSwitchRequest, KillSwitches, PolicyApplied, PolicyRequest, PolicyView, Sent } from '../api-schemas';
import { GatewayContext } from '../gateway-context';
import { Idempotency } from '../http/idempotency';
import { Problem, invalidRequest } from '../http/problem';
import { jsonBody, yamlBody } from '../http/request-body';
import { respond } from '../http/respond';
import { Route } from '../openapi';

const OPERATORS = ['operator'] as const;
const VERDICT_MS = 15_000;

/** The policy bundle in force, publishing a new one, and kill switches. */
@Controller('v1')
export class PolicyController {
  constructor(
    private readonly context: GatewayContext,
    private readonly bus: PrincipalBus,
    private readonly idempotency: Idempotency,
  ) {}

  @Get('policy')
  @Route({ summary: 'The policy bundle in force', roles: EVERY_ROLE, ok: { status: 200, schema: PolicyView }, problems: [] })
  async show(@Req() request: Request): Promise<unknown> {
    const principal = this.context.access.admit(request, EVERY_ROLE);
    return this.bus.client(principal).query(createMessage('GetPolicyBundle', {}, this.bus.origin(principal)));
  }

  /**
   * Checked here first (problems with their line, nothing sent), then published; answers once policy has put it
   * in force (200) or refused it (422 with its problems). The body is the YAML (application/yaml) or {yaml}.
   */
  @Put('policy')
  @Route({ summary: 'Publish a policy bundle (application/yaml, or JSON {yaml}); answers with policy’s verdict', roles: OPERATORS, body: PolicyRequest, ok: { status: 200, schema: PolicyApplied }, problems: [400, 403, 409, 413, 415] })
  async apply(@Req() request: Request, @Res() response: Response): Promise<void> {
    // One bundle governs every tenant: a platform operator's.
    const principal = this.context.access.admitPlatformOperator(request);
    const yaml = (await yamlBody(request)) ?? (await jsonBody(request, PolicyRequest)).yaml;
    try {
      parsePolicyBundle(yaml, 'bundle');
    } catch (error) {
      if (error instanceof DocumentError) throw invalidRequest(error.problems.map((message) => ({ path: 'yaml', message })));
      throw error;
    }
    const verdict = await this.publishBundle(principal, yaml);
    if (verdict.type === 'PolicyBundleRejected') throw new Problem(422, 'Bundle rejected', (verdict.payload as MessageOf<'PolicyBundleRejected'>['payload']).problems.join('; '));
    respond(response, { status: 200, body: verdict.payload });
  }

  @Get('kill-switches')
  @Route({ summary: 'Active kill switches', roles: EVERY_ROLE, ok: { status: 200, schema: KillSwitches }, problems: [] })
  async killSwitches(@Req() request: Request): Promise<unknown> {
    const principal = this.context.access.admit(request, EVERY_ROLE);
    return this.bus.client(principal).query(createMessage('ListKillSwitches', {}, this.bus.origin(principal)));
  }

  @Post('kill-switches')
  @Route({ summary: 'Throw a kill switch (ActivateKillSwitch)', roles: OPERATORS, body: KillSwitchRequest, ok: { status: 202, schema: Sent }, problems: [400, 403, 409, 415], idempotent: true })
  async activate(@Req() request: Request, @Res() response: Response): Promise<void> {
    const principal = this.context.access.admit(request, OPERATORS);
    const body = await jsonBody(request, KillSwitchRequest);
    await this.sendKillSwitch(request, response, principal, 'ActivateKillSwitch', body);
  }

  @Delete('kill-switches')
  @Route({ summary: 'Release a kill switch (ReleaseKillSwitch): JSON body {scope, target, reason}', roles: OPERATORS, body: KillSwitchRelease, ok: { status: 202, schema: Sent }, problems: [400, 403, 409, 415], idempotent: true })
  async release(@Req() request: Request, @Res() response: Response): Promise<void> {
    const principal = this.context.access.admit(request, OPERATORS);
    const body = await jsonBody(request, KillSwitchRelease);
    await this.sendKillSwitch(request, response, principal, 'ReleaseKillSwitch', body);
  }

  private async sendKillSwitch(request: Request, response: Response, principal: GatewayPrincipal, type: 'ActivateKillSwitch' | 'ReleaseKillSwitch', body: { scope: 'global' | 'tenant' | 'agent' | 'workflow'; target: string; reason: string }): Promise<void> {
    // The dashboard's rule (libs/identity): a tenant's operator only its own tenant; a run is stopped with /cancel.
    const refusal = killSwitchRefusal(principal, body.scope, body.target);
    if (refusal) throw new Problem(403, 'Forbidden', refusal);
    const answer = await this.idempotency.once(request, principal, body, async () => {
      const origin = this.bus.origin(principal, this.idempotency.commandId(principal, this.idempotency.keyOf(request), type));
      const command = type === 'ActivateKillSwitch' ? createMessage(type, body, origin) : createMessage(type, body, origin);
      await this.bus.client(principal).publishMessage(command);
      return { status: 202, body: { sent: command.type, messageIds: [command.id] } };
    });
    respond(response, answer);
  }

  /** Listens (as the principal: its tenant's facts) before publishing, so the verdict cannot slip past. */
  private async publishBundle(principal: GatewayPrincipal, yaml: string): Promise<AnyMessage> {
    const nc = await this.bus.connection(principal);
    const tenant = principal.tenant;
    const answers = ['PolicyBundlePublished', 'PolicyBundleRejected'] as const;
    const subscriptions = answers.map((type) => nc.subscribe(subjectFilter(type, {}, { tenant }), { timeout: VERDICT_MS }));
    const command = createMessage('PublishPolicyBundle', { yaml, source: `gateway (${principal.name})` }, this.bus.origin(principal));
    try {
      const verdict = Promise.any(subscriptions.map(async (subscription) => {
        for await (const raw of subscription) {
          const parsed = decodeMessage(raw.data);
          if (parsed.ok && parsed.message.causationId === command.id) return parsed.message;
        }
        throw new Error('no verdict');
      }));
      await this.bus.client(principal).publishMessage(command);
      return await verdict;
    } catch (error) {
      if (error instanceof AggregateError) throw new Problem(503, 'Service unavailable', `the policy service did not answer within ${VERDICT_MS / 1000} s`);
      throw error;
    } finally {
      subscriptions.forEach((s) => s.unsubscribe());
    }
  }
}
