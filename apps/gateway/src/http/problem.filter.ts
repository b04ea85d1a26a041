import { DocumentError, InvalidPayloadError } from '@agentos/contracts';
import { EventStoreUnavailableError } from '@agentos/event-store';
import { Catch, HttpException, type ArgumentsHost, type ExceptionFilter } from '@nestjs/common';
import type { Request, Response } from './express';
import { NatsError } from 'nats';
import type { Logger } from 'pino';
import { Problem, invalidRequest } from './problem';

/** What nats.js' terse codes mean to an HTTP client. */
const NATS_CODES: Record<string, string> = {
  '503': 'no instance of the service that answers this is running (no responders)',
  TIMEOUT: 'the service did not answer in time',
  CONNECTION_CLOSED: 'the gateway is not connected to NATS',
  DISCONNECT: 'the gateway is not connected to NATS',
};

/** Every error as RFC 9457 problem+json: ours as they are, Nest's (unknown route) by status, the rest 503 or 500. */
@Catch()
export class ProblemFilter implements ExceptionFilter {
  constructor(private readonly log: Logger) {}

  catch(error: unknown, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    const request = http.getRequest<Request>();
    const response = http.getResponse<Response>();
    const problem = this.toProblem(error);
    if (problem.status >= 500) this.log.error({ err: error, url: request.originalUrl }, 'request failed');
    if (response.headersSent) {
      response.end();
      return;
    }
    if (problem.status === 401) response.setHeader('www-authenticate', 'Bearer');
    response.status(problem.status).type('application/problem+json').send(JSON.stringify(problem.body(request.originalUrl)));
  }

  private toProblem(error: unknown): Problem {
    if (error instanceof Problem) return error;
    // A message that cannot be built (an input nested too deep) or a document with problems: the client's to fix.
    if (error instanceof InvalidPayloadError) return invalidRequest(error.issues);
    if (error instanceof DocumentError) return invalidRequest(error.problems.map((message) => ({ path: error.source, message })));
    if (error instanceof HttpException) return new Problem(error.getStatus(), error.name.replace(/Exception$/, '').replace(/([a-z])([A-Z])/g, '$1 $2'), error.message);
    // NATS down or a service not answering (nats.js errors carry a code: TIMEOUT, 503 no responders, CONNECTION_CLOSED…).
    if (error instanceof NatsError || error instanceof EventStoreUnavailableError) return new Problem(503, 'Service unavailable', `the system did not answer: ${NATS_CODES[(error as NatsError).code] ?? error.message}`);
    return new Problem(500, 'Internal error', (error as Error).message ?? String(error));
  }
}
