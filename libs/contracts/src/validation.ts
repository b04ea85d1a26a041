import type { z } from 'zod';
import { CATALOG, isMessageType, type MessageType } from './catalog';
import { EnvelopeHeader } from './envelope';
import type { AnyMessage, PayloadOf } from './message';
import type { ValidationIssue } from './messages/operations';

export type ParseResult = { ok: true; message: AnyMessage } | { ok: false; error: string; issues: ValidationIssue[] };

const toIssues = (error: z.ZodError, prefix = ''): ValidationIssue[] =>
  error.issues.map((issue) => ({
    path: [prefix, ...issue.path.map(String)].filter(Boolean).join('.') || '(root)',
    message: issue.message,
  }));

const joinIssues = (issues: ValidationIssue[]) => issues.map((i) => `${i.path}: ${i.message}`).join('; ');

/** One line naming every offending field: `payload.goal: Required; tenant: ...`. */
export const describeZodError = (error: z.ZodError, prefix = ''): string => joinIssues(toIssues(error, prefix));

const failure = (issues: ValidationIssue[]): ParseResult => ({ ok: false, issues, error: joinIssues(issues) });

export class InvalidPayloadError extends Error {
  constructor(readonly type: string, readonly issues: ValidationIssue[]) {
    super(`invalid ${type}: ${joinIssues(issues)}`);
    this.name = 'InvalidPayloadError';
  }
}

/** Validates a payload being built, throwing an error that names each offending field. */
export function parsePayload<T extends MessageType>(type: T, payload: unknown): PayloadOf<T> {
  const parsed = CATALOG[type].schema.safeParse(payload);
  if (!parsed.success) throw new InvalidPayloadError(type, toIssues(parsed.error, 'payload'));
  return parsed.data as PayloadOf<T>;
}

/** Validates an envelope and its payload against the catalog; errors name the offending field. */
export function parseMessage(raw: unknown): ParseResult {
  const header = EnvelopeHeader.safeParse(raw);
  if (!header.success) return failure(toIssues(header.error));
  const { type, version } = header.data;
  if (!isMessageType(type)) return failure([{ path: 'type', message: `unknown message type "${type}"` }]);
  const spec = CATALOG[type];
  if (version !== spec.version) {
    return failure([{ path: 'version', message: `${type} version ${version} is not supported (expected ${spec.version})` }]);
  }
  const payload = spec.schema.safeParse((raw as { payload?: unknown }).payload);
  if (!payload.success) return failure(toIssues(payload.error, 'payload'));
  return { ok: true, message: { ...header.data, payload: payload.data } as AnyMessage };
}

/** Parses a message from its wire form (UTF-8 JSON). */
export function decodeMessage(data: Uint8Array): ParseResult {
  let raw: unknown;
  try {
    raw = JSON.parse(Buffer.from(data).toString('utf8'));
  } catch (error) {
    return failure([{ path: '(root)', message: `not JSON: ${(error as Error).message}` }]);
  }
  return parseMessage(raw);
}

export const encodeMessage = (message: AnyMessage | { id: string }): Uint8Array => Buffer.from(JSON.stringify(message));
