import { createMessage, newId, type Envelope, type MessageOf } from '@agentos/contracts';
import { bootstrapTopology, type NatsConnector } from '@agentos/messaging';
import { waitFor } from '@agentos/testing';
import { DIAMOND, DIAMOND_STEPS, countingAgent } from './fixtures/counting-diamond';
import { startSystem, type RunningSystem } from './system';

/** Side effects per workflow step: a step that ran twice to completion would count 2. */
const effects = new Map<string, number>();

/**
 * Issue 16, item 1: an infrastructure blip is not a business failure. nats-server is SIGKILLed mid-run
 * (every service and agent loses its connection, requests and publishes time out) and started again:
 * the tasks it interrupted must wait in NATS and run, not end in TaskFailed and fail their workflows.
 */
describe('nats-server SIGKILLed and restarted mid-workflow (operator mode, real nats-server)', () => {
  let system: RunningSystem;
  const settled = (history: Envelope[]) => history.some((e) => ['WorkflowCompleted', 'WorkflowFailed', 'WorkflowRejected'].includes(e.type));

  beforeAll(async () => {
    system = await startSystem([], { agents: [countingAgent(effects)], auth: true });
  }, 60_000);

  afterAll(() => system.stop());

  const runDiamonds = (count: number) =>
    Promise.all(
      Array.from({ length: count }, async () => {
        const workflowId = newId();
        await system.client.publishMessage(createMessage('RunWorkflow', { workflowId, definition: DIAMOND, input: {} }, system.origin));
        return workflowId;
      }),
    );

  it('three six-step workflows all complete, each step ran once, nothing failed', async () => {
    const runs = await runDiamonds(3);
    await waitFor(async () => effects.size, (n) => n >= 4, { what: 'a few steps done', timeoutMs: 20_000 });
    await system.nats.kill();
    const doneWhileDown = effects.size;
    // Down longer than a JetStream publish waits for its ack (5 s): what the agents publish meanwhile times out.
    await new Promise((resolve) => setTimeout(resolve, 6_000));
    await system.nats.restart();
    for (const runId of runs) {
      const history = await waitFor(() => system.history(runId), settled, { what: `workflow ${runId} to settle`, timeoutMs: 60_000 });
      const failures = history.filter((e) => ['TaskFailed', 'StepFailed', 'WorkflowFailed'].includes(e.type)).map((e) => `${e.type}: ${JSON.stringify(e.payload)}`);
      expect(failures).toEqual([]);
      expect(history.at(-1)?.type).toBe('WorkflowCompleted');
      const completedSteps = history.filter((e) => e.type === 'StepCompleted').map((e) => (e as MessageOf<'StepCompleted'>).payload.stepId);
      expect(completedSteps.sort()).toEqual(DIAMOND_STEPS);
      for (const step of DIAMOND_STEPS) expect([step, effects.get(`${runId}/${step}`)]).toEqual([step, 1]);
    }
    expect(doneWhileDown).toBeLessThan(18); // the restart really was mid-way
  }, 120_000);

  /**
   * The long chaos run found it: nats-server 2.9, SIGKILLed and restarted, may come back without an agent's
   * durable consumer (it expires consumers with an inactivity threshold on recovery). The agent, never
   * restarted itself, pulled from a consumer that was gone, and every task sent to it waited out its deadline.
   */
  it('an agent whose task consumer nats-server lost makes it again and works its tasks', async () => {
    const jsm = await system.client.unwrap<NatsConnector>().manager$();
    await jsm.consumers.delete('AGENTOS_TASKS', 'agent-counter-e2e-counter');
    const [runId] = await runDiamonds(1);
    const history = await waitFor(() => system.history(runId), settled, { what: `workflow ${runId} to settle`, timeoutMs: 30_000 });
    expect(history.at(-1)?.type).toBe('WorkflowCompleted');
  }, 60_000);

  /**
   * The cluster suite found it (a meta leader lost mid-run): an assignment recorded while its publish failed was
   * never published. The scheduler caused it with a fresh message, which no one redelivers; the next round found
   * the step assigned and did nothing, so the agent never got the task and the run waited out its deadline.
   */
  it('an assignment recorded while the task stream is away reaches its agent once the stream is back', async () => {
    const admin = system.client.unwrap<NatsConnector>();
    // Every service has published once (the streams they need checked), as in any system that has been running.
    const [warmUp] = await runDiamonds(1);
    await waitFor(() => system.history(warmUp), settled, { what: 'a first workflow to settle', timeoutMs: 30_000 });
    await (await admin.manager$()).streams.delete('AGENTOS_TASKS');
    const [runId] = await runDiamonds(1);
    await system.recorded(runId, (e) => e.type === 'TaskAssigned', 'an assignment recorded while it cannot be published');
    await new Promise((resolve) => setTimeout(resolve, 2_000)); // several scheduling rounds meanwhile
    await bootstrapTopology(admin);
    const history = await waitFor(() => system.history(runId), settled, { what: `workflow ${runId} to settle`, timeoutMs: 30_000 });
    expect(history.at(-1)?.type).toBe('WorkflowCompleted');
    for (const step of DIAMOND_STEPS) expect([step, effects.get(`${runId}/${step}`)]).toEqual([step, 1]);
  }, 60_000);
});
