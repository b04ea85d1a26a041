import { toIssues } from '@agentos/contracts';
import type { Request } from './express';
import type { z } from 'zod';
import { Problem, invalidRequest } from './problem';

/** The largest body: a workflow document (256 Ki characters) or a client input (256 KiB of JSON), with room for the rest. */
const MAX_BODY_BYTES = 600 * 1024;

const mediaType = (request: Request) => request.headers['content-type']?.split(';')[0].trim().toLowerCase();

/** The body as text; Nest's body parser is off, so every refusal here is a problem of ours (413, 400). */
export async function readText(request: Request): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY_BYTES) throw new Problem(413, 'Payload too large', `the body is larger than ${MAX_BODY_BYTES} bytes`);
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/** A value checked against a schema; a failure names every field (`input.text: …`). */
export function checked<S extends z.ZodType>(schema: S, value: unknown, prefix = ''): z.output<S> {
  const parsed = schema.safeParse(value);
  if (!parsed.success) throw invalidRequest(toIssues(parsed.error, prefix));
  return parsed.data;
}

/**
 * A JSON body checked against its schema. An empty body counts as `{}` where the schema allows it (approve
 * without a comment). Only application/json: a browser's cross-site form cannot send it without a CORS preflight.
 */
export async function jsonBody<S extends z.ZodType>(request: Request, schema: S): Promise<z.output<S>> {
  const text = await readText(request);
  if (text.trim() === '') return checked(schema, {});
  if (mediaType(request) !== 'application/json') throw new Problem(415, 'Unsupported media type', 'send the body as content-type: application/json');
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw invalidRequest([{ path: '(root)', message: `not JSON: ${(error as Error).message}` }]);
  }
  return checked(schema, value);
}

/** A YAML body (application/yaml or text/yaml) as text, else undefined. */
export async function yamlBody(request: Request): Promise<string | undefined> {
  return ['application/yaml', 'text/yaml', 'application/x-yaml'].includes(mediaType(request) ?? '') ? readText(request) : undefined;
}
