import type { Response } from './express';
import type { Answer } from './idempotency';

/** Sends a route's answer as JSON; a replayed Idempotency-Key answer says so. */
export function respond(response: Response, answer: Answer, headers: Record<string, string> = {}): void {
  for (const [name, value] of Object.entries(headers)) response.setHeader(name, value);
  if (answer.replayed) response.setHeader('idempotent-replayed', 'true');
  response.status(answer.status).type('application/json').send(JSON.stringify(answer.body));
}

export const runLinks = (runId: string) => ({ run: `/v1/runs/${runId}`, events: `/v1/runs/${runId}/events` });
