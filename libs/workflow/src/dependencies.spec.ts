import { ancestorsOf, dependentsOf, findCycles } from './dependencies';

/** a ← b ← d, a ← c ← d, e alone: a diamond and a loner. */
const diamond = {
  steps: [
    { id: 'a', needs: [] },
    { id: 'b', needs: ['a'] },
    { id: 'c', needs: ['a'] },
    { id: 'd', needs: ['c', 'b'] },
    { id: 'e', needs: [] },
  ],
};

describe('step dependencies', () => {
  it('given a diamond, then a step’s ancestors are everything it needs, transitively', () => {
    expect(ancestorsOf(diamond, 'd')).toEqual(new Set(['a', 'b', 'c']));
    expect(ancestorsOf(diamond, 'b')).toEqual(new Set(['a']));
    expect(ancestorsOf(diamond, 'a')).toEqual(new Set());
    expect(ancestorsOf(diamond, 'unknown')).toEqual(new Set());
  });

  it('given a diamond, then a step’s dependents are everything that needs it, transitively, in document order', () => {
    expect(dependentsOf(diamond, 'a')).toEqual(['b', 'c', 'd']);
    expect(dependentsOf(diamond, 'c')).toEqual(['d']);
    expect(dependentsOf(diamond, 'e')).toEqual([]);
  });

  it('given a cycle and an unknown need, then the helpers still terminate', () => {
    const cyclic = { steps: [{ id: 'a', needs: ['b', 'ghost'] }, { id: 'b', needs: ['a'] }] };
    expect(ancestorsOf(cyclic, 'a')).toEqual(new Set(['a', 'b']));
    expect(dependentsOf(cyclic, 'a')).toEqual(['b']);
    expect(findCycles(cyclic)).toEqual([{ step: 'b', cycle: ['b', 'a', 'b'] }]);
  });

  it('given no cycle or only a self-need, then findCycles reports none (self-needs are reported separately)', () => {
    expect(findCycles(diamond)).toEqual([]);
    expect(findCycles({ steps: [{ id: 'a', needs: ['a'] }] })).toEqual([]);
  });
});
