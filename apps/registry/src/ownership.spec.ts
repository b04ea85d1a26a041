import type { AgentDescriptor, AgentInstance } from '@agentos/contracts';
import { decideRegistration, ownerOf, refusalToSpeakFor, type ClaimOwners, type Principal, type RegistrationInput } from './ownership';

const summariserAgent: Principal = { tenant: 'system', actor: { kind: 'agent', id: 'summariser@1.0.0' } };
const mallory: Principal = { tenant: 'acme', actor: { kind: 'user', id: 'mallory' } };
const operator: Principal = { tenant: 'system', actor: { kind: 'user', id: 'oncall' } };
const SUMMARISER = 'system/agent:summariser';

const summariser = (over: Partial<AgentDescriptor> = {}): AgentDescriptor => ({
  name: 'summariser', version: '1.0.0', owner: 'demo-team', capabilities: ['summarise'], concurrency: 1, instanceId: 'summariser-1', ...over,
});
const unclaimed: ClaimOwners = { capabilities: {} };
const claimedBySummariser: ClaimOwners = { name: SUMMARISER, capabilities: { summarise: SUMMARISER } };
const decide = (over: Partial<RegistrationInput>) =>
  decideRegistration({ principal: summariserAgent, agent: summariser(), allowedOwners: ['*'], claims: unclaimed, live: [], ...over });

describe('agent ownership', () => {
  describe('the owner', () => {
    it('is the authenticated tenant and actor, an agent without its version', () => {
      expect(ownerOf(summariserAgent)).toBe(SUMMARISER);
      expect(ownerOf(mallory)).toBe('acme/user:mallory');
      expect(ownerOf({ tenant: 'acme', actor: { kind: 'service', id: 'deployer' } })).toBe('acme/service:deployer');
    });
  });

  describe('registration', () => {
    it('given a fresh name and capability, when an agent registers itself, then it is accepted and claims both for its owner', () => {
      expect(decide({})).toEqual({ kind: 'accepted', owner: SUMMARISER, claim: [{ kind: 'name', value: 'summariser' }, { kind: 'capability', value: 'summarise' }] });
    });

    it('given the payload names another owner, when an agent registers, then the owner is still the sender', () => {
      expect(decide({ agent: summariser({ owner: 'acme/user:mallory' }) })).toMatchObject({ kind: 'accepted', owner: SUMMARISER });
    });

    it('given an agent, when it registers another name, then it is rejected', () => {
      expect(decide({ principal: { tenant: 'system', actor: { kind: 'agent', id: 'researcher@1.0.0' } }, agent: summariser({ capabilities: ['research'] }) })).toEqual({
        kind: 'rejected', owner: 'system/agent:researcher', reason: 'agent "researcher" may register only itself, not "summariser"',
      });
    });

    it('given a fresh name, when an operator registers it on the agent\'s behalf, then the operator owns it', () => {
      expect(decide({ principal: operator })).toMatchObject({ kind: 'accepted', owner: 'system/user:oncall' });
    });

    it('given a name claimed by the summariser, when someone else registers a new version of it, then it is rejected naming the owner', () => {
      expect(decide({ principal: mallory, agent: summariser({ version: '99.0.0', capabilities: ['research'] }), claims: { name: SUMMARISER, capabilities: {} } })).toEqual({
        kind: 'rejected', owner: 'acme/user:mallory', reason: 'agent name "summariser" belongs to owner "system/agent:summariser", not to "acme/user:mallory"',
      });
    });

    it('given the same agent in another tenant, when it registers, then it is another owner and rejected', () => {
      expect(decide({ principal: { ...summariserAgent, tenant: 'acme' }, claims: claimedBySummariser })).toMatchObject({ kind: 'rejected', reason: expect.stringContaining('belongs to owner "system/agent:summariser"') });
    });

    it('given a capability claimed by the summariser, when another agent claims it, then it is rejected naming the capability', () => {
      const copycat: Principal = { tenant: 'system', actor: { kind: 'agent', id: 'copycat@1.0.0' } };
      expect(decide({ principal: copycat, agent: summariser({ name: 'copycat', capabilities: ['paraphrase', 'summarise'] }), claims: { capabilities: { summarise: SUMMARISER } } })).toEqual({
        kind: 'rejected', owner: 'system/agent:copycat', reason: 'capability "summarise" belongs to another owner ("system/agent:summariser"), not to "system/agent:copycat"',
      });
    });

    it('given the owner\'s claims, when it registers a new version and instance with a new capability, then it is accepted and claims only the new capability', () => {
      const decision = decide({ principal: { tenant: 'system', actor: { kind: 'agent', id: 'summariser@1.1.0' } }, agent: summariser({ version: '1.1.0', instanceId: 'summariser-2', capabilities: ['summarise', 'abstract'] }), claims: claimedBySummariser });
      expect(decision).toEqual({ kind: 'accepted', owner: SUMMARISER, claim: [{ kind: 'capability', value: 'abstract' }] });
    });

    it('given an allow-list, when an owner not on it registers, then it is rejected, whatever the payload claims', () => {
      expect(decide({ allowedOwners: ['system/user:oncall'], agent: summariser({ owner: 'system/user:oncall' }) })).toEqual({
        kind: 'rejected', owner: SUMMARISER, reason: 'owner "system/agent:summariser" may not register agents (allowed: system/user:oncall)',
      });
      expect(decide({ allowedOwners: ['system/user:oncall'], principal: operator })).toMatchObject({ kind: 'accepted' });
    });

    it('given a live instance of another agent, when one registers with its instance id, then it is rejected', () => {
      const live = { ...summariser({ name: 'reviewer', capabilities: ['review'] }), status: 'up', registeredAt: '2026-01-01T00:00:00.000Z', lastSeenAt: '2026-01-01T00:00:00.000Z' } satisfies AgentInstance;
      expect(decide({ live: [live] })).toMatchObject({ kind: 'rejected', reason: 'instance id "summariser-1" is already used by live agent reviewer@1.0.0' });
    });
  });

  describe('heartbeats and departures', () => {
    it('are the agent\'s own, whichever version and whoever owns the name', () => {
      expect(refusalToSpeakFor({ ...summariserAgent, actor: { kind: 'agent', id: 'summariser@2.0.0' } }, 'summariser', 'system/user:oncall')).toBeUndefined();
    });

    it('are the name owner\'s', () => {
      expect(refusalToSpeakFor(operator, 'summariser', 'system/user:oncall')).toBeUndefined();
    });

    it('are refused to anyone else, with the reason', () => {
      expect(refusalToSpeakFor(mallory, 'summariser', SUMMARISER)).toBe('acme/user:mallory is neither agent "summariser" nor its owner ("system/agent:summariser")');
      expect(refusalToSpeakFor({ tenant: 'system', actor: { kind: 'agent', id: 'researcher@1.0.0' } }, 'summariser', undefined)).toBe(
        'system/agent:researcher is neither agent "summariser" nor its owner (the name is unclaimed)',
      );
    });
  });
});
