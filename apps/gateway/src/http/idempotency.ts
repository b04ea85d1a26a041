import { deriveId } from '@agentos/contracts';
import { Injectable } from '@nestjs/common';
import type { Request } from './express';
import type { KV } from 'nats';
import { createHash } from 'node:crypto';
import type { GatewayPrincipal } from '../access/gateway-tokens';
import { GatewayContext } from '../gateway-context';
import { Problem, conflict, invalidRequest } from './problem';

/** What a route answers: kept under the Idempotency-Key so that a retry gets the first answer. */
export interface Answer {
  status: number;
  body: unknown;
  /** Set on a replayed answer. */
  replayed?: boolean;
}

interface Kept {
  fingerprint: string;
  state: 'pending' | 'done';
  answer?: Answer;
}

const KEY = /^[\x21-\x7e]{1,255}$/;
const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');
const encode = (kept: Kept) => new TextEncoder().encode(JSON.stringify(kept));

/**
 * `Idempotency-Key` for state-changing routes: the same key with the same request returns the first answer, the same
 * key with another request is a 409. Keys live in the JetStream KV bucket `agentos_idempotency` (a day), so every
 * replica of the gateway agrees; a key is claimed with a KV create before the work, so of two concurrent requests
 * with one key only one does it (the other gets a 409 while the first runs). Keys are per principal: one client's
 * key never answers another's request. Commands sent under a key take ids derived from it (commandId), so a retry
 * after a crash between publishing and recording is de-duplicated by JetStream.
 */
@Injectable()
export class Idempotency {
  constructor(private readonly context: GatewayContext) {}

  /** The key of a request, or undefined without the header; a malformed one is a 400. */
  keyOf(request: Request): string | undefined {
    const key = request.headers['idempotency-key'];
    if (key === undefined) return undefined;
    if (typeof key !== 'string' || !KEY.test(key)) throw invalidRequest([{ path: 'Idempotency-Key', message: 'must be 1 to 255 visible ASCII characters' }]);
    return key;
  }

  /** The id of a command sent under a key: the same for every retry of that request by that principal. */
  commandId(principal: GatewayPrincipal, key: string | undefined, purpose: string): string | undefined {
    return key === undefined ? undefined : deriveId('gateway', principal.tenant, principal.name, key, purpose);
  }

  /** Runs `work` once per (principal, key, request); `body` is the request's body as sent. */
  async once(request: Request, principal: GatewayPrincipal, body: unknown, work: () => Promise<Answer>): Promise<Answer> {
    const key = this.keyOf(request);
    if (key === undefined) return work();
    const kv = await this.context.connector.kv('agentos_idempotency');
    const entry = `${principal.tenant}.${principal.name}.${sha256(key)}`;
    const fingerprint = sha256(JSON.stringify([request.method, request.path, body]));
    const kept = await this.claim(kv, entry, fingerprint);
    if (kept) return this.replay(kept, fingerprint);
    try {
      const answer = await work();
      await kv.put(entry, encode({ fingerprint, state: 'done', answer }));
      return answer;
    } catch (error) {
      // Nothing was done (or it failed): the key is free for a retry. An answered refusal (4xx) is kept, as an answer.
      if (error instanceof Problem && error.status < 500) await kv.put(entry, encode({ fingerprint, state: 'done', answer: { status: error.status, body: error } }));
      else await kv.delete(entry);
      throw error;
    }
  }

  /** Claims the key (undefined: claimed now) or returns what is kept under it. */
  private async claim(kv: KV, entry: string, fingerprint: string): Promise<Kept | undefined> {
    try {
      await kv.create(entry, encode({ fingerprint, state: 'pending' }));
      return undefined;
    } catch {
      const current = await kv.get(entry);
      // Deleted (a failed first attempt) between our create and get: claim it again.
      if (!current || current.operation !== 'PUT') {
        await kv.put(entry, encode({ fingerprint, state: 'pending' }));
        return undefined;
      }
      return JSON.parse(new TextDecoder().decode(current.value)) as Kept;
    }
  }

  private replay(kept: Kept, fingerprint: string): Answer {
    if (kept.fingerprint !== fingerprint) throw conflict('this Idempotency-Key was used for a different request');
    if (kept.state === 'pending' || !kept.answer) throw conflict('a request with this Idempotency-Key is still being processed; retry later');
    const { status, body } = kept.answer;
    if (status >= 400) {
      const problem = body as Problem;
      throw new Problem(status, problem.title, problem.detail, problem.errors);
    }
    return { status, body, replayed: true };
  }
}
