import { KeyedSerial } from './keyed-serial';

const tick = () => new Promise((resolve) => setImmediate(resolve));

describe('KeyedSerial', () => {
  it('given work on one key, when more arrives, then it runs after, in order, even past a failure', async () => {
    const serial = new KeyedSerial();
    const log: string[] = [];
    const step = (name: string, fail = false) => async () => {
      log.push(`start ${name}`);
      await tick();
      log.push(`end ${name}`);
      if (fail) throw new Error(name);
      return name;
    };
    const results = await Promise.allSettled([serial.run('s', step('a')), serial.run('s', step('b', true)), serial.run('s', step('c'))]);
    expect(log).toEqual(['start a', 'end a', 'start b', 'end b', 'start c', 'end c']);
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
  });

  it('given work on two keys, when both run, then they interleave', async () => {
    const serial = new KeyedSerial();
    const log: string[] = [];
    const step = (name: string) => async () => {
      log.push(`start ${name}`);
      await tick();
      log.push(`end ${name}`);
    };
    await Promise.all([serial.run('x', step('x')), serial.run('y', step('y'))]);
    expect(log.slice(0, 2)).toEqual(['start x', 'start y']);
  });
});
