import { SYSTEM_TENANT } from '@agentos/contracts';
import { IdentityStore, USER_ROLES, agentPrincipal, identityDirFromEnv, pushAccountJwt, userPrincipal, type NatsPrincipal, type UserRole } from '@agentos/identity';
import { copyFileSync, chmodSync } from 'node:fs';
import type { Output } from '../output';

/** The deployment's identity: `--identity-dir`, else AGENTOS_IDENTITY_DIR, else .data/identity. */
export const openIdentity = (dir?: string) => IdentityStore.open(dir ?? identityDirFromEnv());

export interface AddOptions {
  tenant?: string;
  role: string;
  name?: string;
  out?: string;
}

const TOKEN = /^[a-z0-9][a-z0-9_-]*$/;

/** The principal `--role` names: a person's role (with --name) or `agent:<name>`. Errors name the bad option. */
export function principalFor({ tenant, role, name }: AddOptions): NatsPrincipal {
  if (!tenant) throw new Error('--tenant is required: the tenant the principal acts in ("system": the platform, every tenant)');
  if (!TOKEN.test(tenant)) throw new Error(`--tenant "${tenant}" must be one subject token: lower-case letters, digits, _ or -`);
  if (role.startsWith('agent:')) {
    const agent = role.slice('agent:'.length);
    if (!TOKEN.test(agent)) throw new Error(`--role "${role}": the agent's name must be lower-case letters, digits, _ or -`);
    if (name !== undefined) throw new Error(`--name is not for an agent: --role agent:<name> names it`);
    return agentPrincipal(agent, tenant);
  }
  if (!(USER_ROLES as readonly string[]).includes(role)) throw new Error(`--role "${role}" is not one of ${USER_ROLES.join(', ')} or agent:<name>`);
  if (!name) throw new Error(`--name is required for a person (--role ${role})`);
  if (!TOKEN.test(name)) throw new Error(`--name "${name}" must be lower-case letters, digits, _ or -`);
  return userPrincipal(name, role as UserRole, tenant);
}

/** Issues the principal's user JWT and creds file; NATS needs no restart (it trusts the account's signing key). */
export async function principalsAdd(store: IdentityStore, options: AddOptions, out: Output): Promise<number> {
  const principal = principalFor(options);
  let creds = await store.issue(principal);
  if (options.out) {
    copyFileSync(creds, options.out);
    chmodSync(options.out, 0o600);
    creds = options.out;
  }
  out.data({ user: principal.user, tenant: principal.tenant, role: principal.role, creds });
  out.line(`issued ${principal.user} (${principal.description}): ${creds}`);
  if (principal.tenant === SYSTEM_TENANT) out.line('note: a principal of the system tenant may act for every tenant');
  return 0;
}

/** Revokes the user in the account JWT and pushes it to the running servers: its connections are closed at once. */
export async function principalsRevoke(store: IdentityStore, servers: string[], user: string, out: Output): Promise<number> {
  const accountJwt = await store.revoke(user);
  try {
    await pushAccountJwt(servers, store.systemCreds, accountJwt);
  } catch (error) {
    throw new Error(`revoked ${user} in ${store.dir}, but could not tell NATS (${(error as Error).message}); it takes effect when the server next starts from this identity`);
  }
  out.data({ user, revoked: true });
  out.line(`revoked ${user}; NATS closed its connections and refuses new ones`);
  return 0;
}

export function principalsList(store: IdentityStore, out: Output): number {
  const records = store.list();
  for (const record of records) {
    out.data(record);
    out.line([record.user.padEnd(24), record.tenant.padEnd(12), record.role.padEnd(20), record.revokedAt ? `revoked ${record.revokedAt}` : 'active'].join(' '));
  }
  if (records.length === 0) out.line(`no principals in ${store.dir}`);
  return 0;
}
