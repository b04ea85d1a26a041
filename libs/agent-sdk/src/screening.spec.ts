import { newId, type ReplyOf } from '@agentos/contracts';
import { answeringAfter } from '@agentos/testing';
import { screenTaskInput } from './screening';

const origin = { tenant: 'acme', actor: { kind: 'agent' as const, id: 'summariser@1.0.0' } };

/** Policy away (no responders) for its first `down` questions, then answering `reply`. */
const policy = (down: number, reply: ReplyOf<'ScreenInput'>) => answeringAfter(down, reply);

describe('a task input screened in one question', () => {
  it('given policy passes it (strings marked), then the agent gets the input policy returned', async () => {
    const ask = policy(0, { passed: true, input: { text: '<<<UNTRUSTED user_input input.text>>> hi' } });
    expect(await screenTaskInput(ask, origin, newId(), { text: 'hi' })).toEqual({ ok: true, input: { text: '<<<UNTRUSTED user_input input.text>>> hi' } });
    expect(ask.asked).toBe(1);
  });

  it('given a quarantine, then the refusal is final at once, with policy’s reason', async () => {
    const ask = policy(0, { passed: false, reason: 'input.text quarantined: it looks like a prompt injection', transient: false });
    expect(await screenTaskInput(ask, origin, newId(), { text: 'x' })).toEqual({ ok: false, transient: false, reason: 'input.text quarantined: it looks like a prompt injection' });
  });

  it('given policy away for a few tries, when it comes back within the patience, then the input passes', async () => {
    const ask = policy(3, { passed: true, input: { n: 1 } });
    expect(await screenTaskInput(ask, origin, newId(), { n: 1 }, 5_000)).toEqual({ ok: true, input: { n: 1 } });
    expect(ask.asked).toBe(4);
  });

  it('given policy away for longer than the patience, then the input is refused as unscreened, and may be tried again later', async () => {
    const ask = policy(Number.POSITIVE_INFINITY, { passed: true, input: {} });
    expect(await screenTaskInput(ask, origin, newId(), { n: 1 }, 600)).toEqual({ ok: false, transient: true, reason: 'input not screened: policy unavailable: 503' });
  });
});
