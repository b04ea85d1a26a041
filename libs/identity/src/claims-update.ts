import { connect, credsAuthenticator, type NatsConnection } from 'nats';
import { readFileSync } from 'node:fs';

/** What nats-server answers on $SYS.REQ.CLAIMS.UPDATE: `data` on success, `error` otherwise. */
interface ClaimsUpdateReply {
  data?: { account?: string; code?: number; message?: string };
  error?: { account?: string; code?: number; description?: string };
}

/**
 * Hands a new account JWT to the running servers, as the system account's user: with the full resolver, each
 * server stores it and applies it at once (a revoked user's connections are closed), no restart. In a cluster
 * the servers pass it on to each other; the first answer is enough.
 */
export async function pushAccountJwt(servers: string | string[], systemCreds: string, accountJwt: string): Promise<void> {
  let nc: NatsConnection | undefined;
  try {
    nc = await connect({ servers, name: 'agentos-identity', authenticator: credsAuthenticator(readFileSync(systemCreds)), reconnect: false });
    const reply = (await nc.request('$SYS.REQ.CLAIMS.UPDATE', new TextEncoder().encode(accountJwt), { timeout: 5_000 })).json<ClaimsUpdateReply>();
    if (reply.error || !reply.data) throw new Error(`nats-server refused the account JWT: ${reply.error?.description ?? JSON.stringify(reply)}`);
  } finally {
    await nc?.close();
  }
}
