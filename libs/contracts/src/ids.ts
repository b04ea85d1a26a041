import { createHash, randomUUID } from 'node:crypto';

export const newId = (): string => randomUUID();

const UUID = /^[\da-f]{8}-[\da-f]{4}-[\da-f]{4}-[\da-f]{4}-[\da-f]{12}$/i;
export const isUuid = (value: string | undefined): value is string => value !== undefined && UUID.test(value);

/**
 * A stable UUID-shaped id derived from its parts. Handlers derive the ids of the events they emit
 * from the id of the message that caused them, so a redelivered message yields the same event ids
 * and JetStream de-duplication and idempotent appends absorb the repeat.
 */
export function deriveId(...parts: string[]): string {
  const hex = createHash('sha256').update(parts.join('\u0000')).digest('hex');
  // Shape it as an RFC 4122 version-5-style UUID so it passes the same validation as random ids.
  const variant = ((parseInt(hex[16], 16) & 0x3) | 0x8).toString(16);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-5${hex.slice(13, 16)}-${variant}${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}
