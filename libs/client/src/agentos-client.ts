import { createMessage, decodeMessage, newId, type AnyMessage, type Origin, type PayloadInput, type Priority, type WorkflowDefinition } from '@agentos/contracts';
import { JetStreamClientProxy, NatsConnector } from '@agentos/messaging';
import { parseWorkflowDocument } from '@agentos/workflow';
import { watchFacts, type Watch } from './watch';

export interface ClientOptions {
  /** NATS URL(s). */
  servers: string | string[];
  /** The principal's creds (`agentos principals add … --out`); unset on a server without auth. */
  creds?: string;
  /** The tenant and the user the creds belong to: every message is sent as them (the broker checks it). */
  tenant: string;
  user: string;
}

const SETTLING = ['IntentCompleted', 'IntentFailed', 'IntentRejected', 'WorkflowCompleted', 'WorkflowFailed', 'WorkflowRejected'];

/** A started run: its id and a watch over its facts, opened before the command was sent so that none is missed. */
export interface StartedRun {
  runId: string;
  correlationId: string;
  /** Resolves to the fact that settled the run (completed, failed or rejected), calling `onEvent` for each of its facts. */
  settled(options?: { timeoutMs?: number; onEvent?: (message: AnyMessage) => void }): Promise<AnyMessage>;
}

/**
 * A small client of AgentOS over NATS for people and services: submit an intent, run a workflow, follow a run to its
 * outcome. It acts as one principal, whose creds decide what the broker lets it do.
 */
export class AgentOSClient {
  private readonly connector: NatsConnector;
  private readonly bus: JetStreamClientProxy;

  constructor(private readonly options: ClientOptions) {
    this.connector = new NatsConnector({ servers: options.servers, name: `agentos-client:${options.user}`, ...(options.creds ? { creds: options.creds } : {}) });
    this.bus = new JetStreamClientProxy(this.connector);
  }

  private get origin(): Origin {
    return { tenant: this.options.tenant, actor: { kind: 'user', id: this.options.user } };
  }

  /** Sends SubmitIntent (the id is made here unless given). */
  async submitIntent(intent: Omit<PayloadInput<'SubmitIntent'>, 'intentId'> & { intentId?: string }): Promise<StartedRun> {
    const intentId = intent.intentId ?? newId();
    return this.start(intentId, createMessage('SubmitIntent', { ...intent, intentId }, this.origin));
  }

  /** Sends RunWorkflow for a document (YAML or JSON text, checked here first: a problem names its line) or a definition. */
  async runWorkflow(document: string | WorkflowDefinition, input: Record<string, unknown> = {}, priority?: Priority): Promise<StartedRun> {
    const definition = typeof document === 'string' ? parseWorkflowDocument(document, 'workflow') : document;
    const workflowId = newId();
    return this.start(workflowId, createMessage('RunWorkflow', { workflowId, definition, input, ...(priority ? { priority } : {}) }, this.origin));
  }

  async close(): Promise<void> {
    await this.bus.close();
  }

  private async start(runId: string, command: AnyMessage): Promise<StartedRun> {
    const watch = watchFacts(await this.connector.connection$(), this.options.tenant);
    try {
      await this.bus.publishMessage(command);
    } catch (error) {
      watch.unsubscribe();
      throw error;
    }
    return { runId, correlationId: command.correlationId, settled: (options = {}) => settle(watch, command.correlationId, options) };
  }
}

async function settle(watch: Watch, correlationId: string, { timeoutMs = 60_000, onEvent }: { timeoutMs?: number; onEvent?: (message: AnyMessage) => void }): Promise<AnyMessage> {
  const timer = setTimeout(() => watch.unsubscribe(), timeoutMs);
  try {
    for await (const raw of watch) {
      const parsed = decodeMessage(raw.data);
      if (!parsed.ok || parsed.message.correlationId !== correlationId) continue;
      onEvent?.(parsed.message);
      if (SETTLING.includes(parsed.message.type)) return parsed.message;
    }
  } finally {
    clearTimeout(timer);
    watch.unsubscribe();
  }
  throw new Error(`run ${correlationId} did not settle within ${timeoutMs} ms (it may still complete)`);
}
