import { compareSemver, describeTarget, matches, pickSlot, targetKey, type Slot } from './matching';
import { instance } from './test-fixtures';

const slot = (instanceId: string, version: string, free: number): Slot => ({ instance: instance(instanceId, { version, concurrency: 4 }), busy: 4 - free, free, state: 'closed' });

describe('matching', () => {
  it('given versions, when compared, then semver precedence applies (numeric parts, release above pre-release)', () => {
    expect(compareSemver('1.10.0', '1.9.0')).toBeGreaterThan(0);
    expect(compareSemver('2.0.0', '10.0.0')).toBeLessThan(0);
    expect(compareSemver('1.0.0', '1.0.0-rc.1')).toBeGreaterThan(0);
    expect(compareSemver('1.0.0-rc.2', '1.0.0-rc.10')).toBeLessThan(0);
    expect(compareSemver('1.0.0-1', '1.0.0-alpha')).toBeLessThan(0);
    expect(compareSemver('1.0.0-alpha', '1.0.0-alpha.1')).toBeLessThan(0);
    expect(compareSemver('1.2.3', '1.2.3')).toBe(0);
  });

  it('given targets, when keyed and described, then capability, agent pin and version all show', () => {
    expect(targetKey({ capability: 'summarise' })).toBe('capability:summarise');
    expect(targetKey({ agent: { name: 'x', version: '1.0.0' } })).toBe('agent:x@1.0.0');
    expect(targetKey({ agent: { name: 'x' } })).toBe('agent:x');
    expect(targetKey({ capability: 'summarise', agent: { name: 'x' } })).toBe('capability:summarise+agent:x');
    expect(describeTarget({ capability: 'summarise' })).toBe('capability "summarise"');
    expect(describeTarget({ capability: 'summarise', agent: { name: 'x', version: '2.0.0' } })).toBe('agent x@2.0.0 with capability "summarise"');
  });

  it('given an instance, when matched, then capability, agent name and pinned version must all agree', () => {
    const summariser = instance('s-1', { version: '1.2.0' });
    expect(matches({ capability: 'summarise' }, summariser)).toBe(true);
    expect(matches({ capability: 'translate' }, summariser)).toBe(false);
    expect(matches({ agent: { name: 'summariser' } }, summariser)).toBe(true);
    expect(matches({ agent: { name: 'summariser', version: '1.2.0' } }, summariser)).toBe(true);
    expect(matches({ agent: { name: 'summariser', version: '1.1.0' } }, summariser)).toBe(false);
    expect(matches({ capability: 'summarise', agent: { name: 'writer' } }, summariser)).toBe(false);
  });

  it('given eligible slots, when one is picked, then newest version, then most free slots, then instanceId decide', () => {
    const slots = [slot('c', '1.9.0', 4), slot('b', '1.10.0', 1), slot('a', '1.10.0', 1), slot('d', '1.10.0', 2)];
    expect(pickSlot({ capability: 'summarise' }, slots)?.instance.instanceId).toBe('d');
    expect(pickSlot({ capability: 'summarise' }, slots.slice(0, 3))?.instance.instanceId).toBe('a');
    // Pinned to a version, the newest-version rule cannot apply: free slots decide.
    expect(pickSlot({ agent: { name: 'summariser', version: '1.9.0' } }, [slot('c', '1.9.0', 1), slot('e', '1.9.0', 3)])?.instance.instanceId).toBe('e');
    expect(pickSlot({ capability: 'summarise' }, [])).toBeUndefined();
  });
});
