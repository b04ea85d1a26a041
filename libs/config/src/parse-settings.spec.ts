import { z } from 'zod';
import { effectiveSettings, parseSettings, SettingsError } from './parse-settings';
import { durationMs, flag, list, oneOf, port, secret, text, wholeNumber } from './setting-types';

const schema = z.object({
  AGENTOS_HEARTBEAT_MS: durationMs(2_000),
  AGENTOS_STREAM_REPLICAS: wholeNumber(1, { min: 1, max: 5 }),
  AGENTOS_HEALTH_PORT: port(),
  AGENTOS_INSECURE: flag,
  AGENTOS_SCHEDULER: oneOf(['fifo', 'fair-share'], 'fair-share'),
  AGENTOS_REGISTRY_OWNERS: list(['*']),
  NATS_URL: list(['nats://127.0.0.1:4222']),
  ESDB_URL: text(),
  AGENTOS_LLM_API_KEY: secret(text()),
});

describe('parseSettings', () => {
  it('gives the defaults for unset and empty variables', () => {
    expect(parseSettings(schema, { AGENTOS_HEALTH_PORT: '' })).toEqual({
      AGENTOS_HEARTBEAT_MS: 2_000,
      AGENTOS_STREAM_REPLICAS: 1,
      AGENTOS_HEALTH_PORT: undefined,
      AGENTOS_INSECURE: false,
      AGENTOS_SCHEDULER: 'fair-share',
      AGENTOS_REGISTRY_OWNERS: ['*'],
      NATS_URL: ['nats://127.0.0.1:4222'],
      ESDB_URL: undefined,
      AGENTOS_LLM_API_KEY: undefined,
    });
  });

  it('reads durations as milliseconds, with or without a unit', () => {
    const ms = (value: string) => parseSettings(schema, { AGENTOS_HEARTBEAT_MS: value }).AGENTOS_HEARTBEAT_MS;
    expect([ms('1500'), ms('500ms'), ms('2s'), ms('1m')]).toEqual([1_500, 500, 2_000, 60_000]);
  });

  it.each([
    ['AGENTOS_HEARTBEAT_MS', '2 sec'],
    ['AGENTOS_HEARTBEAT_MS', '0'],
    ['AGENTOS_HEARTBEAT_MS', '-5'],
    ['AGENTOS_STREAM_REPLICAS', '7'],
    ['AGENTOS_HEALTH_PORT', 'http'],
    ['AGENTOS_INSECURE', 'true'],
    ['AGENTOS_SCHEDULER', 'round-robin'],
  ])('refuses %s=%s, naming the variable and the value', (variable, value) => {
    expect(() => parseSettings(schema, { [variable]: value })).toThrow(new RegExp(`${variable}: expected .*"${value}"`));
  });

  it('names every bad variable at once', () => {
    const error = (() => {
      try {
        parseSettings(schema, { AGENTOS_HEARTBEAT_MS: 'soon', AGENTOS_HEALTH_PORT: '99999' });
      } catch (thrown) {
        return thrown as SettingsError;
      }
    })();
    expect(error).toBeInstanceOf(SettingsError);
    expect(error?.problems.map((p) => p.variable)).toEqual(['AGENTOS_HEARTBEAT_MS', 'AGENTOS_HEALTH_PORT']);
  });
});

describe('effectiveSettings', () => {
  it('redacts secret settings and passwords in URLs, and keeps the rest', () => {
    const settings = parseSettings(schema, { AGENTOS_LLM_API_KEY: 'sk-live-123', ESDB_URL: 'esdb://admin:changeit@db:2113?tls=false', NATS_URL: 'nats://a:pw1@n1:4222,nats://n2:4222' });
    const shown = effectiveSettings(schema, settings);
    expect(shown).toMatchObject({
      AGENTOS_LLM_API_KEY: '[redacted]',
      ESDB_URL: 'esdb://admin:[redacted]@db:2113?tls=false',
      NATS_URL: ['nats://a:[redacted]@n1:4222', 'nats://n2:4222'],
      AGENTOS_HEARTBEAT_MS: 2_000,
    });
    expect(JSON.stringify(shown)).not.toMatch(/sk-live-123|changeit|pw1/);
  });
});
