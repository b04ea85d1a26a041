import { ServiceContext } from '@agentos/service-host';
import pino from 'pino';
import { InjectionDetectors } from './injection-detectors';
import type { PolicySettings } from './policy.settings';

describe('the detectors a policy instance can run', () => {
  const warnings: unknown[] = [];
  const log = pino({ level: 'warn' }, { write: (line: string) => void warnings.push(JSON.parse(line)) });
  const detectors = new InjectionDetectors(new ServiceContext<PolicySettings>('policy', {}, log, { AGENTOS_INJECTION_MODEL: undefined } as PolicySettings, 'policy-spec'));

  it('gives the bundle the detectors it names that this instance has, and warns once about the others', async () => {
    await detectors.onModuleInit();
    expect(detectors.pick(['rules', 'classifier']).map((d) => d.name)).toEqual(['rules']);
    expect(detectors.pick(['classifier'])).toEqual([]);
    expect(warnings).toEqual([expect.objectContaining({ event: 'screening.detector-missing', detector: 'classifier' })]);
    expect(detectors.pick([])).toEqual([]);
  });
});
