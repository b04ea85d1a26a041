import { NatsConnector } from '@agentos/messaging';
import { startNatsServer, type NatsServerHandle } from '@agentos/testing';
import { AgentClaims } from './agent-claims';
import { registryBucket } from './registry-bucket';

describe('AgentClaims on a real nats-server', () => {
  let nats: NatsServerHandle;
  const connectors: NatsConnector[] = [];
  /** Each claimant on its own connection, like registry instances on different hosts. */
  const claimant = () => {
    const connector = new NatsConnector({ servers: nats.url, name: `claims-spec-${connectors.length}` });
    connectors.push(connector);
    return new AgentClaims(() => registryBucket(connector));
  };

  beforeAll(async () => {
    nats = await startNatsServer();
  });
  afterAll(async () => {
    await Promise.all(connectors.map((c) => c.close()));
    await nats.stop();
  });

  it('given an unclaimed name, when eight owners claim it at once, then exactly one holds it', async () => {
    const claimants = Array.from({ length: 8 }, claimant);
    const outcomes = await Promise.allSettled(claimants.map((claims, i) => claims.claim([{ kind: 'name', value: 'contested' }], `acme/user:u${i}`, new Date())));
    const winners = outcomes.flatMap((outcome, i) => (outcome.status === 'fulfilled' ? [`acme/user:u${i}`] : []));
    expect(winners).toHaveLength(1);
    expect(await claimants[0]!.ownerOf({ kind: 'name', value: 'contested' })).toBe(winners[0]);
  });

  it('keeps names and capabilities apart, and reads the owners of an agent', async () => {
    const claims = claimant();
    await claims.claim([{ kind: 'name', value: 'echo' }, { kind: 'capability', value: 'repeat' }], 'system/agent:echo', new Date());
    // A capability spelled like a claimed name is still free.
    expect(await claims.owners({ name: 'repeat', capabilities: ['repeat', 'echo'] })).toEqual({ name: undefined, capabilities: { repeat: 'system/agent:echo', echo: undefined } });
    await expect(claims.claim([{ kind: 'capability', value: 'repeat' }], 'acme/user:mallory', new Date())).rejects.toThrow();
    expect(await claims.ownerOf({ kind: 'capability', value: 'repeat' })).toBe('system/agent:echo');
  });
});
