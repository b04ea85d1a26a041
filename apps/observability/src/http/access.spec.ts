import { mkdtempSync, writeFileSync } from 'node:fs';
import type { IncomingMessage } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { HttpAccess } from './access';
import { allowedOrigins, crossSiteRefusal, isJson } from './request-checks';
import { hashToken, newAccessTokenEntry } from '@agentos/identity';

const request = (headers: Record<string, string>) => ({ headers }) as unknown as IncomingMessage;
const dir = mkdtempSync(join(tmpdir(), 'agentos-tokens-'));
const tokensFile = (content: unknown) => {
  const file = join(dir, `${Math.random()}.json`);
  writeFileSync(file, JSON.stringify(content));
  return file;
};

describe('observability access tokens', () => {
  const auditor = newAccessTokenEntry({ name: 'ann', tenant: 'acme', role: 'auditor' });
  const access = HttpAccess.fromEnv({ AGENTOS_OBSERVABILITY_TOKENS_FILE: tokensFile({ tokens: [auditor.entry] }) });

  it('stores only the hash of a new token', () => {
    expect(auditor.entry).toEqual({ sha256: hashToken(auditor.token), name: 'ann', tenant: 'acme', role: 'auditor' });
    expect(JSON.stringify(auditor.entry)).not.toContain(auditor.token);
  });

  it('admits a known bearer token as its principal and refuses anything else with 401', () => {
    expect(access.admit(request({ authorization: `Bearer ${auditor.token}` }))).toEqual({ ok: true, principal: { name: 'ann', tenant: 'acme', role: 'auditor' } });
    for (const authorization of [`Bearer ${auditor.token}x`, auditor.token, `Basic ${auditor.token}`, '']) {
      expect(access.admit(request({ authorization }))).toMatchObject({ ok: false, status: 401 });
    }
  });

  it('refuses every request when no tokens file is configured, saying how to configure one', () => {
    const closed = HttpAccess.fromEnv({}).admit(request({ authorization: `Bearer ${auditor.token}` }));
    expect(closed).toMatchObject({ ok: false, status: 401 });
    expect(closed.ok || closed.error).toMatch(/AGENTOS_OBSERVABILITY_TOKENS_FILE.*access-token\.ts.*AGENTOS_INSECURE=1/);
  });

  it('is open only with AGENTOS_INSECURE=1, as the platform operator', () => {
    expect(HttpAccess.fromEnv({ AGENTOS_INSECURE: '1' }).admit(request({}))).toMatchObject({ ok: true, principal: { tenant: 'system', role: 'operator' } });
    expect(HttpAccess.fromEnv({ AGENTOS_INSECURE: 'true' }).mode).toBe('closed');
  });

  it('names the file and the field of a bad tokens file', () => {
    const bad = tokensFile({ tokens: [{ ...auditor.entry, sha256: 'abc' }, { ...auditor.entry, role: 'admin' }] });
    expect(() => HttpAccess.fromEnv({ AGENTOS_OBSERVABILITY_TOKENS_FILE: bad })).toThrow(new RegExp(`${bad}: tokens\\.0\\.sha256: must be the sha256.*tokens\\.1\\.role`));
    const twice = tokensFile({ tokens: [auditor.entry, auditor.entry] });
    expect(() => HttpAccess.fromEnv({ AGENTOS_OBSERVABILITY_TOKENS_FILE: twice })).toThrow(/tokens\.1\.name: "ann" is used by an earlier token/);
    expect(() => HttpAccess.fromEnv({ AGENTOS_OBSERVABILITY_TOKENS_FILE: join(dir, 'missing.json') })).toThrow(/missing\.json: ENOENT/);
  });

  it("with NATS auth, needs an operator token's creds (its kill switch goes out as its principal), not a looker's", () => {
    const operator = newAccessTokenEntry({ name: 'oncall', tenant: 'acme', role: 'operator' });
    const withAuth = (tokens: unknown[]) => HttpAccess.fromEnv({ NATS_CREDS: '/run/observability.creds', AGENTOS_OBSERVABILITY_TOKENS_FILE: tokensFile({ tokens }) });
    expect(() => withAuth([auditor.entry, operator.entry])).toThrow(/tokens\.1\.creds: the observability connects to NATS with creds, so oncall needs its own creds file/);
    expect(withAuth([auditor.entry]).mode).toBe('tokens');
  });
});

describe('state-changing requests from browsers', () => {
  const allowed = allowedOrigins('https://ops.example.com, http://localhost:3000/');

  it('accepts no Origin (not a browser), the server’s own origin and listed ones; refuses other sites and "null"', () => {
    const from = (origin?: string) => crossSiteRefusal(request({ host: '127.0.0.1:9464', ...(origin ? { origin } : {}) }), allowed);
    expect(from()).toBeUndefined();
    expect(from('http://127.0.0.1:9464')).toBeUndefined();
    expect(from('https://ops.example.com')).toBeUndefined();
    expect(from('http://localhost:3000')).toBeUndefined();
    expect(from('https://evil.example')).toMatch(/origin https:\/\/evil\.example/);
    expect(from('http://127.0.0.1:9465')).toBeDefined();
    expect(from('null')).toBeDefined();
  });

  it('refuses an origin list entry that is not an origin', () => {
    expect(() => allowedOrigins('ops.example.com')).toThrow(/AGENTOS_OBSERVABILITY_ORIGINS: "ops\.example\.com"/);
  });

  it('takes only application/json bodies', () => {
    expect(isJson(request({ 'content-type': 'application/json; charset=utf-8' }))).toBe(true);
    for (const type of ['text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x', 'application/jsonx']) expect(isJson(request({ 'content-type': type }))).toBe(false);
    expect(isJson(request({}))).toBe(false);
  });
});
