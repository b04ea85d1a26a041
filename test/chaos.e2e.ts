import { runChaos } from '../scripts/chaos/run-chaos';
import { BUSINESS_FAILURE } from '../scripts/chaos/workflows';

/**
 * The short version of `npm run chaos` for CI: intents and the examples/ workflows while services are SIGKILLed
 * and restarted every 3 s and nats-server is restarted once. Nothing may be lost, no step's side effect may
 * happen twice, and nothing may fail but the charge the compensation example declines on purpose.
 * (The full run and its figures: docs/reliability.md.)
 */
describe('chaos, short: services and nats-server killed while intents and workflows run', () => {
  it.each([
    ['one orchestrator', 1],
    ['three orchestrator replicas (one active on the lease, each killed like any service)', 3],
  ])('loses no run, runs no side effect twice, fails nothing for infrastructure reasons: %s', async (_, orchestrators) => {
    const report = await runChaos({ intents: 60, workflows: 15, window: 40, killEveryMs: 3_000, natsRestarts: 1, settleTimeoutMs: 60_000, built: false, orchestrators });
    const figures = (kind: 'intents' | 'workflows') => {
      const { submitted, lost, lostAt, twice, failedForInfrastructure, failures } = report[kind];
      return { submitted, lost, lostAt, twice, failedForInfrastructure, failures: failedForInfrastructure > 0 ? failures : {} };
    };
    expect({ intents: figures('intents'), workflows: figures('workflows'), deadLetters: Object.keys(report.deadLetters).filter((reason) => !BUSINESS_FAILURE.test(reason)), natsRestarts: report.natsRestarts }).toEqual({
      intents: { submitted: 60, lost: 0, lostAt: {}, twice: 0, failedForInfrastructure: 0, failures: {} },
      workflows: { submitted: 15, lost: 0, lostAt: {}, twice: 0, failedForInfrastructure: 0, failures: {} },
      deadLetters: [], // the declined charges are parked for an operator, as failed steps are
      natsRestarts: 1,
    });
    expect(report.workflows.failedOnPurpose).toBeGreaterThan(0); // the compensation path ran
    expect(Object.values(report.kills).reduce((a, b) => a + b, 0)).toBeGreaterThan(0);
  }, 180_000);
});
