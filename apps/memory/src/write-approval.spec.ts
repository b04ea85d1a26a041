import { createMessage, type ReplyOf } from '@agentos/contracts';
import { approvalRefusal } from './write-approval';

const intentId = '00000000-0000-4000-8000-0000000000aa';
const approvalId = '00000000-0000-4000-8000-0000000000bb';
const write = (value: unknown, actor = 'clerk@1.0.0') =>
  createMessage('WriteMemory', { scope: 'tenant', scopeId: 'default', key: 'limit', value, intentId, approvalId }, { tenant: 'acme', actor: { kind: 'agent', id: actor } });
const approved = (value: unknown, over: Partial<NonNullable<ReplyOf<'GetCallApproval'>['call']>> = {}): ReplyOf<'GetCallApproval'> => ({
  status: 'approved',
  call: { agent: 'clerk', action: 'memory.write', resource: { kind: 'memory', name: 'tenant' }, args: { scopeId: 'default', key: 'limit', value }, ...over },
});

describe('a memory write that names an approval', () => {
  it('goes on only when the approval is approved and for this very write by this agent', () => {
    expect(approvalRefusal(write({ eur: 500 }), approved({ eur: 500 }))).toBeUndefined();
    const other = `approval ${approvalId} was given for another call than this write of tenant/default limit`;
    expect(approvalRefusal(write({ eur: 5_000_000 }), approved({ eur: 500 }))).toBe(other);
    expect(approvalRefusal(write({ eur: 500 }, 'mallory@1.0.0'), approved({ eur: 500 }))).toBe(other);
    expect(approvalRefusal(write({ eur: 500 }), approved({ eur: 500 }, { action: 'tool.call' }))).toBe(other);
    expect(approvalRefusal(write({ eur: 500 }), approved({ eur: 500 }, { resource: { kind: 'memory', name: 'workflow' } }))).toBe(other);
  });

  it('is refused, saying why, while the approval is pending, rejected or unknown', () => {
    expect(approvalRefusal(write(1), { status: 'pending' })).toBe(`approval ${approvalId} in run ${intentId} is pending`);
    expect(approvalRefusal(write(1), { status: 'rejected', reason: 'rejected by user:bob: no' })).toBe(`approval ${approvalId} in run ${intentId} is rejected: rejected by user:bob: no`);
    expect(approvalRefusal(write(1), { status: 'unknown' })).toBe(`approval ${approvalId} in run ${intentId} is unknown`);
  });
});
