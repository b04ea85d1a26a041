import { CATALOG, type MessageType } from './catalog';
import type { Envelope } from './envelope';

const TOKEN = /\{(\w+)\}/g;

/** The concrete subject a message is published on: `{field}` tokens come from its payload. */
export function subjectOf(message: Envelope): string {
  const spec = CATALOG[message.type as MessageType];
  if (!spec) throw new Error(`unknown message type "${message.type}"`);
  const payload = (message.payload ?? {}) as Record<string, unknown>;
  return spec.subject.replace(TOKEN, (_, field: string) => {
    const value = payload[field];
    if (typeof value !== 'string' || value.length === 0) {
      throw new Error(`${message.type}: payload.${field} is needed to build the subject ${spec.subject}`);
    }
    return value;
  });
}

/** The subject filter of a consumer: given tokens are fixed, the others match any single token. */
export function subjectFilter(type: MessageType, tokens: Record<string, string> = {}): string {
  return CATALOG[type].subject.replace(TOKEN, (_, field: string) => tokens[field] ?? '*');
}
