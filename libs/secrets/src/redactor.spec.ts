import { REDACTED, Redactor } from './redactor';

const SECRET = 'sk-live/4f9a+b?c=d&e f';

const redactorWith = (...secrets: string[]): Redactor => {
  const redactor = new Redactor();
  secrets.forEach((secret) => redactor.add(secret));
  return redactor;
};

describe('Redactor', () => {
  it('replaces a plain occurrence and leaves other text alone', () => {
    expect(redactorWith(SECRET).redact(`token=${SECRET}; ok`)).toBe(`token=${REDACTED}; ok`);
    expect(REDACTED).toBe('[REDACTED]');
    expect(redactorWith(SECRET).redact('nothing to hide')).toBe('nothing to hide');
  });

  it('replaces every repeated occurrence', () => {
    expect(redactorWith('hunter22').redact('hunter22 and hunter22,hunter22')).toBe('[REDACTED] and [REDACTED],[REDACTED]');
  });

  it('finds a secret embedded in JSON, including one that JSON has to escape', () => {
    const quoted = 'pa"ss\\word';
    const json = JSON.stringify({ headers: { authorization: `Bearer ${SECRET}` }, password: quoted });
    const redacted = redactorWith(SECRET, quoted).redact(json);
    expect(JSON.parse(redacted)).toEqual({ headers: { authorization: 'Bearer [REDACTED]' }, password: '[REDACTED]' });
  });

  it('finds the base64 and base64url forms, alone and inside a longer encoded payload', () => {
    const redactor = redactorWith(SECRET);
    expect(redactor.redact(`b64 ${Buffer.from(SECRET).toString('base64')} end`)).toBe('b64 [REDACTED] end');
    expect(redactor.redact(`url ${Buffer.from(SECRET).toString('base64url')} end`)).toBe('url [REDACTED] end');
    for (const user of ['u', 'us', 'use']) {
      const basic = Buffer.from(`${user}:${SECRET}`).toString('base64');
      const redacted = redactor.redact(`Authorization: Basic ${basic}`);
      expect(redacted).toContain(REDACTED);
      // Whatever survives around the marker is too short to hold the secret.
      expect(redacted.replace('Authorization: Basic ', '').replace(REDACTED, '').length).toBeLessThanOrEqual(8);
    }
  });

  it('finds URL-encoded forms (component, form and URI encoding)', () => {
    const redactor = redactorWith(SECRET);
    expect(redactor.redact(`https://x.test/?key=${encodeURIComponent(SECRET)}&a=1`)).toBe('https://x.test/?key=[REDACTED]&a=1');
    expect(redactor.redact(`body: ${new URLSearchParams({ key: SECRET }).toString()}`)).toBe('body: key=[REDACTED]');
    expect(redactor.redact(encodeURI(`https://x.test/${SECRET}`))).toBe('https://x.test/[REDACTED]');
  });

  it('covers overlapping secrets completely', () => {
    expect(redactorWith('abcd1234', '1234wxyz').redact('<abcd1234wxyz>')).toBe('<[REDACTED]>');
  });

  it('redacts deeply, keys included, returning a copy and leaving the original untouched', () => {
    const original = {
      message: `calling with ${SECRET}`,
      list: ['plain', SECRET, { nested: [`x${SECRET}x`] }],
      [SECRET]: 'secret as a key',
      count: 3,
      flag: true,
      nothing: null,
      when: new Date(0),
    };
    const snapshot = structuredClone(original);
    const redacted = redactorWith(SECRET).redactDeep(original);
    expect(redacted).toEqual({
      message: 'calling with [REDACTED]',
      list: ['plain', '[REDACTED]', { nested: ['x[REDACTED]x'] }],
      [REDACTED]: 'secret as a key',
      count: 3,
      flag: true,
      nothing: null,
      when: new Date(0),
    });
    expect(original).toEqual(snapshot);
    expect(redacted).not.toBe(original);
    expect(redacted.list).not.toBe(original.list);
  });

  it('redacts error messages and stacks in a copy, survives cycles and keeps __proto__ keys as data', () => {
    const error = new Error(`login failed for ${SECRET}`);
    const cyclic: Record<string, unknown> = { error };
    cyclic.self = cyclic;
    const redacted = redactorWith(SECRET).redactDeep(cyclic);
    const copy = redacted.error as Error;
    expect(copy).toBeInstanceOf(Error);
    expect(copy.message).toBe('login failed for [REDACTED]');
    expect(copy.stack).not.toContain(SECRET);
    expect(error.message).toContain(SECRET);
    expect(redacted.self).toBe(redacted);

    const parsed = JSON.parse(`{"__proto__": {"polluted": "${'hunter22'}"}}`) as Record<string, unknown>;
    const clean = redactorWith('hunter22').redactDeep(parsed);
    expect(Object.getPrototypeOf(clean)).toBe(Object.prototype);
    expect(Object.getOwnPropertyDescriptor(clean, '__proto__')?.value).toEqual({ polluted: REDACTED });
  });

  it('refuses secrets shorter than 4 characters without echoing them', () => {
    const redactor = new Redactor();
    expect(() => redactor.add('abc')).toThrow(/shorter than 4 characters/);
    expect(() => redactor.add('')).toThrow(RangeError);
    let message = '';
    try {
      redactor.add('xyz');
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).toMatch(/refusing/);
    expect(message).not.toContain('xyz');
    expect(redactor.size).toBe(0);
    redactor.add('abcd');
    expect(redactor.redact('abcd')).toBe(REDACTED);
  });

  it('counts distinct secrets in size', () => {
    const redactor = redactorWith('first-secret', 'second-secret', 'first-secret');
    expect(redactor.size).toBe(2);
  });
});
