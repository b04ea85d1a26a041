import { DocumentError, createMessage, newId } from '@agentos/contracts';
import { parseWorkflowDocument, type CatalogueEntry } from '@agentos/workflow';
import { Controller, Post, Req, Res } from '@nestjs/common';
import type { Request, Response } from '../http/express';
import { PrincipalBus } from '../access/principal-bus';
import { Accepted, IntentRequest, WorkflowRequest } from '../api-schemas';
import { GatewayContext } from '../gateway-context';
import { Idempotency } from '../http/idempotency';
import { invalidRequest } from '../http/problem';
import { jsonBody } from '../http/request-body';
import { respond, runLinks } from '../http/respond';
import { Route } from '../openapi';

const SUBMITTERS = ['submitter', 'operator'] as const;

/** Starting runs: an intent (SubmitIntent) or a workflow document (RunWorkflow), sent as the token's principal. */
@Controller('v1')
export class SubmitController {
  constructor(
    private readonly context: GatewayContext,
    private readonly bus: PrincipalBus,
    private readonly idempotency: Idempotency,
  ) {}

  @Post('intents')
  @Route({ summary: 'Submit an intent', roles: SUBMITTERS, body: IntentRequest, ok: { status: 202, schema: Accepted }, problems: [400, 403, 409, 413, 415], idempotent: true })
  async submitIntent(@Req() request: Request, @Res() response: Response): Promise<void> {
    const principal = this.context.access.admit(request, SUBMITTERS);
    const body = await jsonBody(request, IntentRequest);
    const answer = await this.idempotency.once(request, principal, body, async () => {
      const key = this.idempotency.keyOf(request);
      const intentId = body.intentId ?? this.idempotency.commandId(principal, key, 'intent') ?? newId();
      const command = createMessage('SubmitIntent', { ...body, intentId }, this.bus.origin(principal, this.idempotency.commandId(principal, key, 'SubmitIntent')));
      await this.bus.client(principal).publishMessage(command);
      return { status: 202, body: { runId: intentId, kind: 'intent', links: runLinks(intentId) } };
    });
    respond(response, answer, { location: runLinks((answer.body as { runId: string }).runId).run });
  }

  @Post('workflows')
  @Route({ summary: 'Run a workflow document (YAML or JSON text, or the parsed object) with its input', roles: SUBMITTERS, body: WorkflowRequest, ok: { status: 202, schema: Accepted }, problems: [400, 403, 409, 413, 415], idempotent: true })
  async runWorkflow(@Req() request: Request, @Res() response: Response): Promise<void> {
    const principal = this.context.access.admit(request, SUBMITTERS);
    const body = await jsonBody(request, WorkflowRequest);
    const answer = await this.idempotency.once(request, principal, body, async () => {
      const client = this.bus.client(principal);
      const origin = this.bus.origin(principal);
      // Unknown capabilities are named here when the registry answers; the orchestrator checks again in any case.
      const catalogue = await client
        .query(createMessage('FindAgents', { includeDown: true }, origin), 2_000)
        .then((reply) => reply.agents)
        .catch(() => undefined);
      const text = typeof body.document === 'string' ? body.document : JSON.stringify(body.document);
      const definition = workflowOf(text, catalogue);
      const key = this.idempotency.keyOf(request);
      const workflowId = this.idempotency.commandId(principal, key, 'workflow') ?? newId();
      const command = createMessage('RunWorkflow', { workflowId, definition, input: body.input ?? {}, ...(body.priority ? { priority: body.priority } : {}) }, this.bus.origin(principal, this.idempotency.commandId(principal, key, 'RunWorkflow')));
      await client.publishMessage(command);
      return { status: 202, body: { runId: workflowId, kind: 'workflow', links: runLinks(workflowId) } };
    });
    respond(response, answer, { location: runLinks((answer.body as { runId: string }).runId).run });
  }
}

/** The document's problems as field errors: `document` with the line, step and field each names. */
function workflowOf(text: string, catalogue: CatalogueEntry[] | undefined) {
  try {
    return parseWorkflowDocument(text, 'document', catalogue ? { catalogue } : {});
  } catch (error) {
    if (error instanceof DocumentError) throw invalidRequest(error.problems.map((message) => ({ path: 'document', message })));
    throw error;
  }
}
