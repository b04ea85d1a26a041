import { createMessage } from '@agentos/contracts';
import { stateAt } from '@agentos/replay';
import { Controller, Param, Post, Req, Res } from '@nestjs/common';
import type { Request, Response } from '../http/express';
import type { GatewayPrincipal } from '../access/gateway-tokens';
import { PrincipalBus } from '../access/principal-bus';
import { ApprovalRequest, CancelRequest, Sent } from '../api-schemas';
import { GatewayContext } from '../gateway-context';
import { Idempotency } from '../http/idempotency';
import { conflict } from '../http/problem';
import { jsonBody } from '../http/request-body';
import { respond } from '../http/respond';
import { Route } from '../openapi';
import { RunReader } from '../runs/run-reader';

const APPROVERS = ['approver', 'operator'] as const;
const OPERATORS = ['operator'] as const;

/**
 * Acting on a run: approve or reject an intent that policy parked, cancel a run. The run must be the principal's
 * tenant's (else 404) and in a state for it (else 409), so a refused request sends nothing.
 */
@Controller('v1/runs')
export class RunActionsController {
  constructor(
    private readonly context: GatewayContext,
    private readonly bus: PrincipalBus,
    private readonly runs: RunReader,
    private readonly idempotency: Idempotency,
  ) {}

  @Post(':id/approve')
  @Route({ summary: 'Approve an intent that waits for approval (ApproveIntent)', roles: APPROVERS, body: ApprovalRequest, ok: { status: 202, schema: Sent }, problems: [400, 403, 404, 409], idempotent: true })
  approve(@Req() request: Request, @Res() response: Response, @Param('id') id: string): Promise<void> {
    return this.decide(request, response, id, 'ApproveIntent');
  }

  @Post(':id/reject')
  @Route({ summary: 'Reject an intent that waits for approval (RejectIntent)', roles: APPROVERS, body: ApprovalRequest, ok: { status: 202, schema: Sent }, problems: [400, 403, 404, 409], idempotent: true })
  reject(@Req() request: Request, @Res() response: Response, @Param('id') id: string): Promise<void> {
    return this.decide(request, response, id, 'RejectIntent');
  }

  /**
   * CancelRun, as `agentos runs cancel` sends it: running tasks are aborted, declared compensations run, and the
   * run ends cancelled naming who and why. Operators cancel (the NATS permissions say so too).
   */
  @Post(':id/cancel')
  @Route({ summary: 'Cancel a running run (its running tasks aborted, its compensations run)', roles: OPERATORS, body: CancelRequest, ok: { status: 202, schema: Sent }, problems: [400, 403, 404, 409], idempotent: true })
  async cancel(@Req() request: Request, @Res() response: Response, @Param('id') id: string): Promise<void> {
    const principal = this.context.access.admit(request, OPERATORS);
    const body = await jsonBody(request, CancelRequest);
    const answer = await this.idempotency.once(request, principal, body, async () => {
      const phase = await this.phase(principal, id);
      if (['completed', 'failed', 'rejected', 'cancelled'].includes(phase)) throw conflict(`run ${id} has ended (${phase}): nothing to cancel`);
      const key = this.idempotency.keyOf(request);
      const command = createMessage('CancelRun', { runId: id, reason: body.reason }, this.bus.origin(principal, this.idempotency.commandId(principal, key, 'cancel')));
      await this.bus.client(principal).publishMessage(command);
      return { status: 202, body: { sent: command.type, messageIds: [command.id] } };
    });
    respond(response, answer);
  }

  private async decide(request: Request, response: Response, id: string, type: 'ApproveIntent' | 'RejectIntent'): Promise<void> {
    const principal = this.context.access.admit(request, APPROVERS);
    const body = await jsonBody(request, ApprovalRequest);
    const answer = await this.idempotency.once(request, principal, body, async () => {
      const phase = await this.phase(principal, id);
      if (phase !== 'awaiting-approval') throw conflict(`run ${id} is not waiting for approval (it is ${phase})`);
      const key = this.idempotency.keyOf(request);
      const command = createMessage(type, { intentId: id, ...(body.comment ? { comment: body.comment } : {}) }, this.bus.origin(principal, this.idempotency.commandId(principal, key, type)));
      await this.bus.client(principal).publishMessage(command);
      return { status: 202, body: { sent: command.type, messageIds: [command.id] } };
    });
    respond(response, answer);
  }

  /** Where the run's decider stands now (404 for an unknown run or another tenant's). */
  private async phase(principal: GatewayPrincipal, id: string): Promise<string> {
    const records = await this.runs.history(principal, id);
    return stateAt(records, String(records[records.length - 1].revision)).state.status;
  }
}
