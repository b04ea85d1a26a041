import { createAccount, createOperator, createUser, encodeAccount, encodeOperator, encodeUser, fmtCreds, fromSeed, type KeyPair } from 'nats-jwt';
import { readdirSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { NatsPrincipal, PrincipalKind } from './nats-permissions';
import { exists, readText, writePublic, writeSecret } from './secret-files';
import { userClaims } from './user-claims';

/**
 * The account every AgentOS principal is a user of. Tenants share it and are told apart by subject tokens
 * (`….<tenant>.<principal>`): the services and the JetStream streams serve every tenant, and accounts would
 * need every subject and stream exported and imported per tenant (see the README, "Identity and tenants").
 */
export const ACCOUNT_NAME = 'AGENTOS';
/** The server's own account: its users may update account JWTs ($SYS.REQ.CLAIMS.UPDATE), nothing else of ours. */
export const SYSTEM_ACCOUNT_NAME = 'SYS';
export const DEFAULT_IDENTITY_DIR = '.data/identity';

/** AGENTOS_IDENTITY_DIR, else .data/identity (git-ignored: it holds the seeds). */
export const identityDirFromEnv = (env: NodeJS.ProcessEnv = process.env) => resolve(env.AGENTOS_IDENTITY_DIR || DEFAULT_IDENTITY_DIR);

/** What the store remembers of an issued principal (never its seed: that is only in its creds file). */
export interface PrincipalRecord {
  user: string;
  tenant: string;
  principal: string;
  kind: PrincipalKind;
  role: string;
  description: string;
  publicKey: string;
  issuedAt: string;
  revokedAt?: string;
}

/** JetStream is off for an account in operator mode unless its JWT grants storage: unlimited here, as without auth. */
const UNLIMITED = { subs: -1, data: -1, payload: -1, imports: -1, exports: -1, wildcards: true, conn: -1, leaf: -1 };
const JETSTREAM = { mem_storage: -1, disk_storage: -1, streams: -1, consumer: -1 };

const USER_NAME = /^[A-Za-z0-9][A-Za-z0-9_-]*$/;
const seconds = (iso: string) => Math.floor(Date.parse(iso) / 1000);

/**
 * The decentralized-auth identity of a deployment, kept in one directory: an operator, the system account,
 * the AGENTOS account with a signing key (which signs the users, so the account key itself stays put), and a
 * user JWT and creds file per principal. Adding a principal needs no server change: the server trusts any user
 * JWT the account's signing key signed. Revoking re-signs the account JWT and pushes it to the running server.
 */
export class IdentityStore {
  private constructor(
    readonly dir: string,
    private readonly operator: KeyPair,
    private readonly system: KeyPair,
    private readonly account: KeyPair,
    private readonly signer: KeyPair,
  ) {}

  /** Opens the identity in `dir`, creating the operator, accounts and system user on first use. */
  static async open(dir: string): Promise<IdentityStore> {
    const seed = (name: string, create: () => KeyPair): KeyPair => {
      const path = join(dir, 'keys', `${name}.nk`);
      if (exists(path)) return fromSeed(new TextEncoder().encode(readText(path)));
      const key = create();
      writeSecret(path, key.getSeed());
      return key;
    };
    const fresh = !exists(join(dir, 'operator.jwt'));
    const store = new IdentityStore(resolve(dir), seed('operator', createOperator), seed('system-account', createAccount), seed('account', createAccount), seed('account-signing', createAccount));
    if (fresh) await store.initialise();
    return store;
  }

  private async initialise(): Promise<void> {
    writePublic(this.operatorJwtPath, await encodeOperator('agentos', this.operator, { system_account: this.system.getPublicKey() }));
    writePublic(this.systemAccountJwtPath, await encodeAccount(SYSTEM_ACCOUNT_NAME, this.system, { limits: UNLIMITED }, { signer: this.operator }));
    await this.signAccount();
    const user = createUser();
    writeSecret(this.systemCreds, fmtCreds(await encodeUser('system', user, this.system), user));
  }

  get operatorJwtPath() {
    return join(this.dir, 'operator.jwt');
  }
  private get systemAccountJwtPath() {
    return join(this.dir, 'accounts', `${SYSTEM_ACCOUNT_NAME}.jwt`);
  }
  private get accountJwtPath() {
    return join(this.dir, 'accounts', `${ACCOUNT_NAME}.jwt`);
  }
  /** Creds of a system-account user: pushes account JWTs to the servers. */
  get systemCreds() {
    return join(this.dir, 'system.creds');
  }
  credsPath(user: string) {
    return join(this.dir, 'creds', `${user}.creds`);
  }
  private recordPath(user: string) {
    return join(this.dir, 'principals', `${user}.json`);
  }

  get accountJwt(): string {
    return readText(this.accountJwtPath);
  }

  /** Every key ever revoked (public key → unix seconds): kept apart from the records, which a reissue replaces. */
  private get revocationsPath() {
    return join(this.dir, 'accounts', 'revocations.json');
  }
  private revocations(): Record<string, number> {
    return exists(this.revocationsPath) ? (JSON.parse(readText(this.revocationsPath)) as Record<string, number>) : {};
  }

  /** The AGENTOS account JWT as it stands: JetStream on, users signed by the signing key, the revoked keys listed. */
  private async signAccount(): Promise<string> {
    const revocations = this.revocations();
    const jwt = await encodeAccount(ACCOUNT_NAME, this.account, { limits: { ...UNLIMITED, ...JETSTREAM }, signing_keys: [this.signer.getPublicKey()], revocations }, { signer: this.operator });
    writePublic(this.accountJwtPath, jwt);
    return jwt;
  }

  /** Every principal issued here, revoked ones included, by user name. */
  list(): PrincipalRecord[] {
    const dir = join(this.dir, 'principals');
    if (!exists(dir)) return [];
    return readdirSync(dir)
      .filter((file) => file.endsWith('.json'))
      .sort()
      .map((file) => JSON.parse(readText(join(dir, file))) as PrincipalRecord);
  }

  find(user: string): PrincipalRecord | undefined {
    return exists(this.recordPath(user)) ? (JSON.parse(readText(this.recordPath(user))) as PrincipalRecord) : undefined;
  }

  /** Issues a user JWT and creds file (0600) for the principal; returns the creds file's path. Refuses a user already active. */
  async issue(principal: NatsPrincipal): Promise<string> {
    if (!USER_NAME.test(principal.user)) throw new Error(`user name "${principal.user}" must be letters, digits, _ or - (it is a subject token: _INBOX.<user>)`);
    if (this.find(principal.user) && !this.find(principal.user)?.revokedAt) throw new Error(`principal "${principal.user}" already exists (revoke it first to issue new credentials)`);
    const key = createUser();
    const jwt = await encodeUser(principal.user, key, this.account, userClaims(principal), { signer: this.signer });
    writeSecret(this.credsPath(principal.user), fmtCreds(jwt, key));
    const { user, tenant, principal: token, kind, role, description } = principal;
    const record: PrincipalRecord = { user, tenant, principal: token, kind, role, description, publicKey: key.getPublicKey(), issuedAt: new Date().toISOString() };
    writePublic(this.recordPath(user), `${JSON.stringify(record, null, 2)}\n`);
    return this.credsPath(user);
  }

  /** Issues the principal unless it is already active (first start of a deployment); returns its creds file. */
  async ensure(principal: NatsPrincipal): Promise<string> {
    const known = this.find(principal.user);
    return known && !known.revokedAt && exists(this.credsPath(principal.user)) ? this.credsPath(principal.user) : this.issue(principal);
  }

  /**
   * Revokes the user's key in the account JWT and returns the new JWT, to push to the servers (pushAccountJwt).
   * Its creds file is deleted: the key in it is dead.
   */
  async revoke(user: string): Promise<string> {
    const record = this.find(user);
    if (!record) throw new Error(`no principal "${user}" (see agentos principals ls)`);
    if (record.revokedAt) throw new Error(`principal "${user}" was already revoked at ${record.revokedAt}`);
    const revokedAt = new Date().toISOString();
    writePublic(this.revocationsPath, `${JSON.stringify({ ...this.revocations(), [record.publicKey]: seconds(revokedAt) }, null, 2)}\n`);
    writePublic(this.recordPath(user), `${JSON.stringify({ ...record, revokedAt }, null, 2)}\n`);
    rmSync(this.credsPath(user), { force: true });
    return this.signAccount();
  }

  /** The AGENTOS account's public key: in operator mode, the account JetStream reports under (`/jsz?acc=`, KEDA's `account`). */
  get accountPublicKey(): string {
    return this.account.getPublicKey();
  }

  /**
   * The nats-server settings of operator mode: trust this operator, and keep account JWTs in a full resolver
   * (`resolverDir`, which must outlive restarts: pushed updates such as revocations live there). The preload
   * seeds both accounts; the server keeps whichever JWT of an account is newer, so a restart never undoes a revocation.
   */
  serverConfig(resolverDir: string): string {
    const q = JSON.stringify;
    return [
      `operator: ${q(readText(this.operatorJwtPath))}`,
      `system_account: ${this.system.getPublicKey()}`,
      `resolver: { type: full, dir: ${q(resolverDir)}, allow_delete: false }`,
      'resolver_preload: {',
      `  ${this.system.getPublicKey()}: ${q(readText(this.systemAccountJwtPath))}`,
      `  ${this.account.getPublicKey()}: ${q(this.accountJwt)}`,
      '}',
      '',
    ].join('\n');
  }
}
