import { createMessage, type AnyMessage } from '@agentos/contracts';
import { silentLog, type PublishReceipt } from '@agentos/messaging';
import { patientPublisher } from './patient-publisher';
import type { TaskPublisher } from './redaction';

const timeout = () => Object.assign(new Error('TIMEOUT'), { code: 'TIMEOUT' });
const receipt: PublishReceipt = { stream: 'AGENTOS_EVENTS', seq: 1, duplicate: false };
const progress = createMessage('AgentHeartbeatSent', { name: 'a', version: '1.0.0', instanceId: 'i', inFlight: 0, concurrency: 1 }, { tenant: 'acme', actor: { kind: 'agent', id: 'a@1.0.0' } });

/** A publisher whose publish fails with each of `failures` in turn, then succeeds. */
function failing(...failures: Error[]): TaskPublisher & { tries: number } {
  const fake = {
    tries: 0,
    publish: async (_: AnyMessage) => {
      fake.tries += 1;
      const failure = failures.shift();
      if (failure) throw failure;
      return receipt;
    },
    request: async () => {
      throw new Error('not used');
    },
  };
  return fake as unknown as TaskPublisher & { tries: number };
}

describe('patientPublisher: what a task sends waits out NATS being away', () => {
  it('given NATS timing out twice, then the publish goes through on the third try', async () => {
    const publisher = failing(timeout(), timeout());
    await expect(patientPublisher(publisher, new AbortController().signal, silentLog).publish(progress)).resolves.toEqual(receipt);
    expect(publisher.tries).toBe(3);
  });

  it('given an error that is not NATS being away, then the code gets it at once', async () => {
    const publisher = failing(new Error('invalid AgentHeartbeatSent'));
    await expect(patientPublisher(publisher, new AbortController().signal, silentLog).publish(progress)).rejects.toThrow('invalid AgentHeartbeatSent');
    expect(publisher.tries).toBe(1);
  });

  it('given the task is out of time while NATS is away, then it stops waiting', async () => {
    const publisher = failing(...Array.from({ length: 100 }, timeout));
    const deadline = AbortSignal.timeout(600);
    await expect(patientPublisher(publisher, deadline, silentLog).publish(progress)).rejects.toThrow('TIMEOUT');
    expect(publisher.tries).toBeLessThan(5);
  });
});
