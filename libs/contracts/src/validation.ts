import type { z } from 'zod';
import { CATALOG, isMessageType, type MessageType } from './catalog';
import { EnvelopeHeader } from './envelope';
import { nestingIssues } from './limits';
import type { AnyMessage, PayloadOf } from './message';
import type { ValidationIssue } from './messages/operations';
import { acceptedVersions, isEarlierVersion, upcastPayload } from './upcast';

export type ParseResult = { ok: true; message: AnyMessage } | { ok: false; error: string; issues: ValidationIssue[] };

export const toIssues = (error: z.ZodError, prefix = ''): ValidationIssue[] =>
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

/**
 * A payload checked against its schema, then for depth: no schema is recursive, so the schema is safe on
 * any depth, and it names the tighter limits of client inputs first.
 */
function checkPayload(type: MessageType, payload: unknown): { ok: true; data: unknown } | { ok: false; issues: ValidationIssue[] } {
  const parsed = CATALOG[type].schema.safeParse(payload);
  if (!parsed.success) return { ok: false, issues: toIssues(parsed.error, 'payload') };
  const tooDeep = nestingIssues(parsed.data, 'payload');
  return tooDeep.length > 0 ? { ok: false, issues: tooDeep } : { ok: true, data: parsed.data };
}

/** Validates a payload being built, throwing an error that names each offending field. */
export function parsePayload<T extends MessageType>(type: T, payload: unknown): PayloadOf<T> {
  const checked = checkPayload(type, payload);
  if (!checked.ok) throw new InvalidPayloadError(type, checked.issues);
  return checked.data as PayloadOf<T>;
}

/**
 * Validates an envelope and its payload against the catalog; errors name the offending field. The envelope's and
 * the payload's problems are reported together (a sender fixes them in one go), once the type and version are known.
 */
export function parseMessage(raw: unknown): ParseResult {
  const header = EnvelopeHeader.safeParse(raw);
  const issues: ValidationIssue[] = header.success ? [] : toIssues(header.error);
  const { type, version, payload } = (typeof raw === 'object' && raw !== null ? raw : {}) as { type?: unknown; version?: unknown; payload?: unknown };
  if (typeof type !== 'string' || !isMessageType(type)) {
    if (header.success) issues.push({ path: 'type', message: `unknown message type "${String(type)}"` });
    return failure(issues);
  }
  const spec = CATALOG[type];
  let given = payload;
  // An earlier version the catalogue lists is read as the current one: consumers and histories see one shape.
  if (typeof version === 'number' && isEarlierVersion(type, version)) {
    const upcast = upcastPayload(type, version, given);
    if (!upcast.ok) return failure([...issues, ...toIssues(upcast.error, `payload (version ${upcast.version})`)]);
    given = upcast.payload;
  } else if (version !== spec.version) {
    if (header.success) issues.push({ path: 'version', message: `${type} version ${String(version)} is not supported (accepted: ${acceptedVersions(type).join(', ')})` });
    return failure(issues);
  }
  const checked = checkPayload(type, given);
  if (!checked.ok) issues.push(...checked.issues);
  if (!header.success || !checked.ok) return failure(issues);
  return { ok: true, message: { ...header.data, version: spec.version, payload: checked.data } as AnyMessage };
}

/** Parses a message from its wire form (UTF-8 JSON). JSON.parse is not recursive: any depth is read, then refused by parseMessage. */
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
