import { decode, type Account, type User } from 'nats-jwt';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { IdentityStore } from './identity-store';
import { agentPrincipal, servicePrincipal, userPrincipal } from './nats-permissions';

const jwtIn = (creds: string) => /-----BEGIN NATS USER JWT-----\s*(\S+)/.exec(readFileSync(creds, 'utf8'))?.[1] as string;

describe('IdentityStore', () => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'agentos-identity-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it("issues a user JWT carrying the principal's name, permissions and tenant/role tags, signed by the account's signing key", async () => {
    const store = await IdentityStore.open(dir);
    const alice = userPrincipal('alice', 'submitter', 'acme');
    const creds = await store.issue(alice);
    expect(statSync(creds).mode & 0o777).toBe(0o600);
    const claims = decode<User>(jwtIn(creds));
    const account = decode<Account>(store.accountJwt);
    expect(claims).toMatchObject({ name: 'alice', sub: store.find('alice')?.publicKey, nats: { issuer_account: account.sub, tags: ['tenant:acme', 'role:submitter', 'kind:user'] } });
    expect(account.nats.signing_keys).toContain(claims.iss);
    expect(claims.nats.pub?.allow).toEqual(alice.permissions.publish);
    expect(claims.nats.sub?.allow).toEqual(alice.permissions.subscribe);
    expect(claims.nats.resp).toBeUndefined();
    // A responder gets one reply per request.
    expect(decode<User>(jwtIn(await store.issue(servicePrincipal('memory')))).nats.resp).toEqual({ max: 1, ttl: 0 });
  });

  it('enables JetStream for the account and keeps its seeds owner-only', async () => {
    const store = await IdentityStore.open(dir);
    expect(decode<Account>(store.accountJwt).nats.limits).toMatchObject({ disk_storage: -1, mem_storage: -1 });
    for (const seed of ['operator', 'system-account', 'account', 'account-signing']) expect(statSync(join(dir, 'keys', `${seed}.nk`)).mode & 0o777).toBe(0o600);
    expect(statSync(store.systemCreds).mode & 0o777).toBe(0o600);
  });

  it('reopens the same identity, and ensure() reissues nothing already active', async () => {
    const first = await IdentityStore.open(dir);
    const creds = await first.ensure(agentPrincipal('scout', 'acme'));
    const before = readFileSync(creds, 'utf8');
    const again = await IdentityStore.open(dir);
    expect(again.accountJwt).toBe(first.accountJwt);
    expect(readFileSync(await again.ensure(agentPrincipal('scout', 'acme')), 'utf8')).toBe(before);
    await expect(again.issue(agentPrincipal('scout', 'acme'))).rejects.toThrow('principal "agent-scout" already exists');
  });

  it("revokes a user's key in a newly signed account JWT and deletes its creds", async () => {
    const store = await IdentityStore.open(dir);
    const creds = await store.issue(userPrincipal('bob', 'approver', 'acme'));
    const key = store.find('bob')?.publicKey as string;
    const accountJwt = await store.revoke('bob');
    expect(decode<Account>(accountJwt).nats.revocations).toEqual({ [key]: expect.any(Number) });
    expect(store.accountJwt).toBe(accountJwt);
    expect(store.find('bob')?.revokedAt).toEqual(expect.any(String));
    expect(() => statSync(creds)).toThrow();
    await expect(store.revoke('bob')).rejects.toThrow('already revoked');
    await expect(store.revoke('nobody')).rejects.toThrow('no principal "nobody"');
    // Issued anew, with a new key; the old key stays revoked when the account is signed again.
    await store.issue(userPrincipal('bob', 'approver', 'acme'));
    expect(store.find('bob')?.revokedAt).toBeUndefined();
    expect(store.find('bob')?.publicKey).not.toBe(key);
    await store.issue(userPrincipal('carol', 'auditor', 'acme'));
    const later = await store.revoke('carol');
    expect(Object.keys(decode<Account>(later).nats.revocations ?? {}).sort()).toEqual([key, store.find('carol')?.publicKey].sort());
  });

  it('renders the server settings of operator mode with a full resolver and both accounts preloaded', async () => {
    const store = await IdentityStore.open(dir);
    const config = store.serverConfig('/data/resolver');
    expect(config).toContain('resolver: { type: full, dir: "/data/resolver", allow_delete: false }');
    expect(config).toMatch(/^system_account: A[A-Z2-7]{55}$/m);
    expect(config.match(/^ {2}A[A-Z2-7]{55}: "eyJ/gm)).toHaveLength(2);
  });
});
