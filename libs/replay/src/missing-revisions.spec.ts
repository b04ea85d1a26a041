import type { RecordedEvent } from '@agentos/event-store';
import { missingRevisions } from './missing-revisions';

const at = (...revisions: number[]) => revisions.map((revision) => ({ revision }) as RecordedEvent);

describe('missingRevisions', () => {
  it('names the gaps and the lost tail, or nothing for a whole history', () => {
    expect(missingRevisions(at(0, 1, 2))).toBeUndefined();
    expect(missingRevisions(at(0, 1, 2), 3)).toBe('3..');
    expect(missingRevisions(at(2, 3, 5, 9), 10)).toBe('0..1, 4, 6..8, 10..');
  });
});
