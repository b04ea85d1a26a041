import { QueryFailedError } from '@agentos/messaging';
import { InfrastructureError, isInfrastructureError } from './infrastructure';

const natsError = (code: string) => Object.assign(new Error(code), { name: 'NatsError', code });

describe('isInfrastructureError: NATS away, or the agent at fault', () => {
  it.each(['TIMEOUT', '503', '408', 'DISCONNECT', 'CONNECTION_CLOSED', 'CONNECTION_REFUSED'])('given a NATS error %s, then it is infrastructure', (code) => {
    expect(isInfrastructureError(natsError(code))).toBe(true);
  });

  it('given a service that answered with the timeout it hit, then it is infrastructure', () => {
    expect(isInfrastructureError(new QueryFailedError('WriteMemory', 'TIMEOUT'))).toBe(true);
    expect(isInfrastructureError(new InfrastructureError('step ledger unavailable: TIMEOUT'))).toBe(true);
  });

  it.each([
    ['a handler that threw', new Error('model returned nonsense')],
    ['an outside timeout the agent met itself', Object.assign(new Error('connect ETIMEDOUT'), { code: 'ETIMEDOUT' })],
    ['a NATS permissions violation', natsError('PERMISSIONS_VIOLATION')],
    ['a query a service refused', new QueryFailedError('WriteMemory', 'scope acme/x is not yours')],
    ['not an error at all', 'TIMEOUT'],
  ])('given %s, then it is not infrastructure', (_, error) => {
    expect(isInfrastructureError(error)).toBe(false);
  });
});
