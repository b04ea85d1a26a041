import { EVENT_STREAMS } from '@agentos/contracts';
import { writerOf } from './stream-writers';

const area = { tenant: 'acme', scope: 'workflow', scopeId: 'w1' };
/** One stream of each kind in the table of stream names, and the service that must have signed it. */
const EXPECTED_WRITERS: Record<keyof typeof EVENT_STREAMS, [string, string]> = {
  run: [EVENT_STREAMS.run('r1'), 'orchestrator'],
  memory: [EVENT_STREAMS.memory(area), 'memory'],
  notes: [EVENT_STREAMS.notes(area), 'memory'],
  policyDecisions: [EVENT_STREAMS.policyDecisions('acme'), 'policy'],
  budgets: [EVENT_STREAMS.budgets('acme'), 'policy'],
  screening: [EVENT_STREAMS.screening('acme'), 'policy'],
  policyBundles: [EVENT_STREAMS.policyBundles(), 'policy'],
  killSwitches: [EVENT_STREAMS.killSwitches(), 'policy'],
  agent: [EVENT_STREAMS.agent('summariser'), 'registry'],
  supervision: [EVENT_STREAMS.supervision('summariser'), 'orchestrator'],
  supervisedInstance: [EVENT_STREAMS.supervisedInstance('i1'), 'orchestrator'],
  schedule: [EVENT_STREAMS.schedule('s1'), 'orchestrator'],
  retention: [EVENT_STREAMS.retention(), 'audit'],
};

describe('stream writers', () => {
  it('name the one service allowed to sign each kind of stream the services write', () => {
    for (const [kind, [stream, writer]] of Object.entries(EXPECTED_WRITERS)) expect([kind, writerOf(stream)]).toEqual([kind, writer]);
  });
});
