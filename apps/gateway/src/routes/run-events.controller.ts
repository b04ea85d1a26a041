import type { RecordedEvent } from '@agentos/event-store';
import { runOutcome } from '@agentos/replay';
import { Controller, Get, Param, Req, Res } from '@nestjs/common';
import type { Request, Response } from '../http/express';
import { setTimeout as sleep } from 'node:timers/promises';
import { EVERY_ROLE } from '../access/gateway-access';
import { GatewayContext } from '../gateway-context';
import { invalidRequest } from '../http/problem';
import { Route } from '../openapi';
import { RunReader } from '../runs/run-reader';

/** How often a followed run's stream is read for new events, and how often an idle stream says it is alive. */
const POLL_MS = 200;
const KEEP_ALIVE_MS = 15_000;
const NEW_RUN_WAIT_MS = 5_000;

const frame = (record: RecordedEvent) => `id: ${record.revision}\nevent: ${record.event.type}\ndata: ${JSON.stringify(record.event)}\n\n`;

/**
 * A run's recorded events as Server-Sent Events, then live until the run settles. Each event's SSE id is its
 * revision in the run's event-store stream, so a client that reconnects with `Last-Event-ID` gets exactly the
 * events after the last one it saw, from the store; nothing is kept per client in the gateway. The stream ends
 * (`event: end`) after the event that settled the run.
 */
@Controller('v1/runs')
export class RunEventsController {
  constructor(
    private readonly context: GatewayContext,
    private readonly runs: RunReader,
  ) {}

  @Get(':id/events')
  @Route({ summary: 'Follow a run: its events as Server-Sent Events, live, resumable with Last-Event-ID', roles: EVERY_ROLE, ok: { status: 200, media: 'text/event-stream', description: 'id = revision, event = type, data = the envelope' }, problems: [400, 404] })
  async follow(@Req() request: Request, @Res() response: Response, @Param('id') id: string): Promise<void> {
    const principal = this.context.access.admit(request, EVERY_ROLE);
    const resumeFrom = resumePoint(request.headers['last-event-id']);
    // A client may follow a run it submitted a moment ago, before the orchestrator recorded it.
    const history = await this.runs.history(principal, id, { waitMs: NEW_RUN_WAIT_MS });
    let settledAt = settledRevision(history);
    response.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-store', connection: 'keep-alive', 'x-accel-buffering': 'no' });
    response.write('retry: 1000\n\n');
    let closed = false;
    request.once('close', () => (closed = true));
    let next = resumeFrom;
    let pending = history.filter((r) => r.revision >= next);
    let quietSince = Date.now();
    try {
      while (!closed && !this.context.readiness.state().draining) {
        for (const record of pending) {
          response.write(frame(record));
          next = record.revision + 1;
          quietSince = Date.now();
          settledAt ??= settledRevision([record]);
        }
        if (settledAt !== undefined && next > settledAt) {
          response.write('event: end\ndata: {}\n\n');
          break;
        }
        if (Date.now() - quietSince > KEEP_ALIVE_MS) {
          response.write(': keep-alive\n\n');
          quietSince = Date.now();
        }
        await sleep(POLL_MS);
        pending = closed ? [] : await this.runs.after(id, next);
      }
    } catch (error) {
      this.context.log.warn({ err: error, run: id }, 'event stream ended by an error');
    }
    response.end();
  }
}

/** The revision after `Last-Event-ID` (0 without one). */
function resumePoint(header: string | string[] | undefined): number {
  if (header === undefined) return 0;
  if (typeof header !== 'string' || !/^\d{1,15}$/.test(header)) throw invalidRequest([{ path: 'Last-Event-ID', message: 'must be the id (a revision number) of an event this stream sent' }]);
  return Number(header) + 1;
}

function settledRevision(records: readonly RecordedEvent[]): number | undefined {
  const outcome = runOutcome(records.map((r) => r.event));
  return outcome.event ? records.find((r) => r.event.id === outcome.event?.id)?.revision : undefined;
}
