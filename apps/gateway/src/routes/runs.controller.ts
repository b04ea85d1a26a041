import { parseSince } from '@agentos/config';
import { verifyChain } from '@agentos/event-store';
import { incidentReport, missingRevisions, reportHtml, timeline } from '@agentos/replay';
import { Controller, Get, Param, Req, Res } from '@nestjs/common';
import type { Request, Response } from '../http/express';
import { EVERY_ROLE } from '../access/gateway-access';
import { seesTenant } from '@agentos/identity';
import { RunList, RunListQuery, RunView, TimelineView, VerifyView } from '../api-schemas';
import { GatewayContext } from '../gateway-context';
import { Problem, invalidRequest } from '../http/problem';
import { checked } from '../http/request-body';
import { Route } from '../openapi';
import { RunReader, runView } from '../runs/run-reader';

/** Reading runs from the event store: their state, lists, and the replay tool's answers (timeline, verify, report). */
@Controller('v1/runs')
export class RunsController {
  constructor(
    private readonly context: GatewayContext,
    private readonly runs: RunReader,
  ) {}

  @Get()
  @Route({ summary: 'List runs, newest activity first (paged: pass `next` as cursor)', roles: EVERY_ROLE, ok: { status: 200, schema: RunList }, problems: [400, 403] })
  async list(@Req() request: Request): Promise<unknown> {
    const principal = this.context.access.admit(request, EVERY_ROLE);
    const query = checked(RunListQuery, request.query);
    if (query.tenant && !seesTenant(principal, query.tenant)) throw new Problem(403, 'Forbidden', `${principal.name} sees only tenant ${principal.tenant}`);
    let since: number | undefined;
    try {
      since = query.since === undefined ? undefined : parseSince(query.since);
    } catch (error) {
      throw invalidRequest([{ path: 'since', message: (error as Error).message }]);
    }
    const rows = await this.runs.list(principal, { status: query.status, tenant: query.tenant, since });
    const page = rows.slice(query.cursor, query.cursor + query.limit);
    const next = query.cursor + query.limit < rows.length ? String(query.cursor + query.limit) : undefined;
    return { runs: page, ...(next ? { next } : {}) };
  }

  @Get(':id')
  @Route({ summary: 'A run: status, steps, result, failure reason, spending', roles: EVERY_ROLE, ok: { status: 200, schema: RunView }, problems: [400, 404] })
  async show(@Req() request: Request, @Param('id') id: string): Promise<unknown> {
    const principal = this.context.access.admit(request, EVERY_ROLE);
    return runView(id, await this.runs.history(principal, id));
  }

  @Get(':id/timeline')
  @Route({ summary: 'Every recorded decision of a run, who made it and why (agentos replay)', roles: EVERY_ROLE, ok: { status: 200, schema: TimelineView }, problems: [400, 404] })
  async timeline(@Req() request: Request, @Param('id') id: string): Promise<unknown> {
    const principal = this.context.access.admit(request, EVERY_ROLE);
    return { entries: timeline(await this.runs.history(principal, id)) };
  }

  @Get(':id/verify')
  @Route({ summary: 'Checks the run’s hash chain (agentos replay --verify)', roles: EVERY_ROLE, ok: { status: 200, schema: VerifyView }, problems: [400, 404] })
  async verify(@Req() request: Request, @Param('id') id: string): Promise<unknown> {
    const principal = this.context.access.admit(request, EVERY_ROLE);
    const records = await this.runs.history(principal, id);
    const missing = missingRevisions(records, await this.runs.truncatedFrom(id));
    const chain = verifyChain(records);
    return { ...chain, ok: chain.ok && !missing, ...(missing ? { missing } : {}) };
  }

  @Get(':id/report')
  @Route({ summary: 'The incident report (agentos replay --report): Markdown, or HTML when asked with Accept: text/html', roles: EVERY_ROLE, ok: { status: 200, media: 'text/markdown' }, problems: [400, 404] })
  async report(@Req() request: Request, @Res() response: Response, @Param('id') id: string): Promise<void> {
    const principal = this.context.access.admit(request, EVERY_ROLE);
    const records = await this.runs.history(principal, id);
    const markdown = incidentReport(records, { workflowId: id, chain: verifyChain(records) });
    if (request.accepts(['text/markdown', 'text/html']) === 'text/html') {
      response.type('text/html').send(reportHtml(markdown, `Incident report: run ${id}`));
      return;
    }
    response.type('text/markdown').send(markdown);
  }
}
