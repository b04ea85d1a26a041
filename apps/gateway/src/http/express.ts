import type { IncomingMessage, ServerResponse } from 'node:http';

/** The parts of Express' request and response (Nest's platform-express) the gateway uses: @types/express is not installed. */
export interface Request extends IncomingMessage {
  query: Record<string, unknown>;
  path: string;
  originalUrl: string;
  accepts(types: string[]): string | false;
}

export interface Response extends ServerResponse {
  status(code: number): this;
  type(media: string): this;
  send(body: string): this;
  json(body: unknown): this;
}
