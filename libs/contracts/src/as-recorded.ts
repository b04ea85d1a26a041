/**
 * A value as it reads back from a message or the event store: JSON-encoded and decoded (dates become
 * strings, undefined fields vanish, class instances become plain objects). Recording and replay both
 * compare in this form, so a value and its stored copy compare equal. `undefined` stays `undefined`.
 */
export const asRecorded = <T = unknown>(value: unknown): T => (value === undefined ? undefined : JSON.parse(JSON.stringify(value))) as T;
