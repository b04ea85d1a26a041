import { isConsumerMissing, isJetStreamApiTimeout, isNatsError, isNatsUnreachable } from './nats-errors';

const nats = (code: string) => Object.assign(new Error(`nats ${code}`), { code });

describe('reading nats.js errors', () => {
  it.each([
    // error                    NATS?  away?  API timeout?  consumer gone?
    [nats('TIMEOUT'),           true,  true,  true,         false],
    [nats('503'),               true,  true,  true,         true],
    [nats('404'),               true,  false, false,        true],
    [nats('409'),               true,  false, false,        true],
    [nats('CONNECTION_CLOSED'), true,  true,  false,        false],
    [nats('BAD_JSON'),          true,  false, false,        false],
    [new Error('a bug'),        false, false, false,        false],
    [undefined,                 false, false, false,        false],
  ])('%p', (error, natsError, unreachable, apiTimeout, consumerMissing) => {
    expect([isNatsError(error), isNatsUnreachable(error), isJetStreamApiTimeout(error), isConsumerMissing(error)]).toEqual([natsError, unreachable, apiTimeout, consumerMissing]);
  });
});
