import { scopeRefusal } from './scope-rules';

const agent = { kind: 'agent' as const, id: 'summariser@1.0.0' };
const user = { kind: 'user' as const, id: 'alice' };

describe('memory scope rules', () => {
  it('keeps an agent\'s private memory to itself', () => {
    expect(scopeRefusal(agent, 'agent', 'summariser', 'write')).toBeUndefined();
    expect(scopeRefusal(agent, 'agent', 'planner', 'read')).toBe('agent memory "planner" is private to that agent');
  });
  it('lets agents read global memory but not write it', () => {
    expect(scopeRefusal(agent, 'global', 'default', 'read')).toBeUndefined();
    expect(scopeRefusal(agent, 'global', 'default', 'write')).toBe('global memory is read-only for agents');
    expect(scopeRefusal(user, 'global', 'default', 'write')).toBeUndefined();
  });
  it('leaves workflow and tenant memory to policy', () => {
    expect(scopeRefusal(agent, 'workflow', 'w1', 'write')).toBeUndefined();
    expect(scopeRefusal(agent, 'tenant', 'default', 'write')).toBeUndefined();
  });
});
