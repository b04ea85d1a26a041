import { secretForms } from './secret-forms';

export const REDACTED = '[REDACTED]';
/** Shorter values ("abc", "1", "true") occur in ordinary text; redacting them would garble every log. */
export const MIN_SECRET_LENGTH = 4;

/**
 * Scrubs known secret values (and their encoded forms) from text and structured data before it
 * reaches events, logs or traces. Fill it from the secret store at startup, redact at every sink.
 */
export class Redactor {
  private readonly secrets = new Set<string>();
  private readonly forms = new Set<string>();

  /** Number of distinct secrets registered (not counting their derived forms). */
  get size(): number {
    return this.secrets.size;
  }

  add(secret: string): void {
    if (typeof secret !== 'string') throw new TypeError('Redactor.add expects a string');
    // The message deliberately carries neither the value nor its length.
    if (secret.length < MIN_SECRET_LENGTH) throw new RangeError(`refusing to redact a value shorter than ${MIN_SECRET_LENGTH} characters: it would redact ordinary text`);
    if (this.secrets.has(secret)) return;
    this.secrets.add(secret);
    for (const form of secretForms(secret)) if (form.length >= MIN_SECRET_LENGTH) this.forms.add(form);
  }

  /**
   * Every occurrence of every form is found, overlaps included, and the union of their spans is
   * replaced: a leftmost-match regex would let one secret's match hide the tail of another.
   */
  redact(text: string): string {
    if (this.forms.size === 0 || text.length < MIN_SECRET_LENGTH) return text;
    const spans: Array<[number, number]> = [];
    for (const form of this.forms) {
      for (let at = text.indexOf(form); at !== -1; at = text.indexOf(form, at + 1)) spans.push([at, at + form.length]);
    }
    if (spans.length === 0) return text;
    spans.sort((a, b) => a[0] - b[0]);
    let out = '';
    let cursor = 0;
    for (let i = 0; i < spans.length; ) {
      const start = spans[i][0];
      let end = spans[i][1];
      // Merge overlapping and touching spans into one marker.
      for (i++; i < spans.length && spans[i][0] <= end; i++) end = Math.max(end, spans[i][1]);
      out += text.slice(cursor, start) + REDACTED;
      cursor = end;
    }
    return out + text.slice(cursor);
  }

  /**
   * A redacted copy of strings, arrays, plain objects (keys too) and errors (message, stack, cause);
   * the input is never mutated. Other objects (Date, Buffer, Map, class instances) are returned
   * as they are: serialize them first if they may carry secrets. Cycles and shared references survive.
   */
  redactDeep<T>(value: T): T {
    return this.walk(value, new WeakMap()) as T;
  }

  private walk(value: unknown, seen: WeakMap<object, unknown>): unknown {
    if (typeof value === 'string') return this.redact(value);
    if (typeof value !== 'object' || value === null) return value;
    const done = seen.get(value);
    if (done !== undefined) return done;
    if (Array.isArray(value)) {
      const copy: unknown[] = [];
      seen.set(value, copy);
      for (const item of value) copy.push(this.walk(item, seen));
      return copy;
    }
    const proto: unknown = Object.getPrototypeOf(value);
    if (proto === Object.prototype || proto === null) {
      const copy: Record<string, unknown> = Object.create(proto as object | null);
      seen.set(value, copy);
      // defineProperty, not assignment: an own "__proto__" key (JSON.parse makes those) must stay data.
      for (const [key, item] of Object.entries(value)) {
        Object.defineProperty(copy, this.redact(key), { value: this.walk(item, seen), enumerable: true, writable: true, configurable: true });
      }
      return copy;
    }
    if (value instanceof Error) {
      // message and stack are own but non-enumerable: copy every own property with its descriptor.
      const copy = Object.create(proto as object) as Error;
      seen.set(value, copy);
      for (const key of Reflect.ownKeys(value)) {
        const descriptor = Object.getOwnPropertyDescriptor(value, key) as PropertyDescriptor;
        if ('value' in descriptor) descriptor.value = this.walk(descriptor.value, seen);
        Object.defineProperty(copy, key, descriptor);
      }
      return copy;
    }
    return value;
  }
}
