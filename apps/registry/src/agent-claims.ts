import type { AgentDescriptor } from '@agentos/contracts';
import type { KV } from 'nats';
import type { Claim, ClaimOwners } from './ownership';

const keyOf = ({ kind, value }: Claim) => `_claims.${kind}.${value}`;

/**
 * Agent names and capabilities, each claimed for good by the owner that registered it first. A claim
 * is made with KV create, which fails when the key exists: of two registrants racing for one name,
 * exactly one makes the claim. Claims are never released by the registry (an operator may delete the key).
 */
export class AgentClaims {
  constructor(private readonly bucket: () => Promise<KV>) {}

  async owners(agent: Pick<AgentDescriptor, 'name' | 'capabilities'>): Promise<ClaimOwners> {
    const [name, ...capabilities] = await Promise.all([this.ownerOf({ kind: 'name', value: agent.name }), ...agent.capabilities.map((value) => this.ownerOf({ kind: 'capability', value }))]);
    return { name, capabilities: Object.fromEntries(agent.capabilities.map((capability, i) => [capability, capabilities[i]])) };
  }

  async ownerOf(claim: Claim): Promise<string | undefined> {
    const entry = await (await this.bucket()).get(keyOf(claim));
    return entry?.operation === 'PUT' ? entry.json<{ owner: string }>().owner : undefined;
  }

  /** Makes the claims in order; throws when one exists already (another owner, or a racing registration, got there first). */
  async claim(claims: Claim[], owner: string, at: Date): Promise<void> {
    const kv = await this.bucket();
    for (const claim of claims) await kv.create(keyOf(claim), JSON.stringify({ owner, claimedAt: at.toISOString() }));
  }
}
