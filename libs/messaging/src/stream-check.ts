import { ErrorCode, type JetStreamManager, type NatsError } from 'nats';
import type { Log } from './log';
import { contractStreamSettings, isStreamNotFound, settingDifferences, type StreamSettings, type TopologyOptions } from './topology';

/** A stream or KV bucket a process needs is not there, and this process may not create it. */
export class MissingStreamError extends Error {
  constructor(readonly stream: string) {
    super(`JetStream stream ${stream} does not exist: run \`agentos bootstrap\` as the NATS admin before starting AgentOS`);
  }
}

const isRefused = (error: unknown) => (error as NatsError)?.code === ErrorCode.PermissionsViolation || /permission/i.test(String((error as Error)?.message));

export interface NeededStream {
  settings: StreamSettings;
  /** Creates it: tried only when it is missing, and allowed only where NATS runs without auth (development). */
  create(): Promise<unknown>;
}

/**
 * Checks at start that a stream a service or agent needs exists. Settings are the admin's (`agentos
 * bootstrap`): a process never changes an existing stream, it only warns that it differs, since a
 * process allowed to update streams could also shrink the audit log. A missing stream is created only
 * where the server lets this process (auth off); otherwise it is a start-up error naming the stream.
 */
export async function requireStream(jsm: JetStreamManager, needed: NeededStream, log: Log): Promise<void> {
  const { name } = needed.settings;
  try {
    const { config } = await jsm.streams.info(name);
    // Replicas are the deployment's choice (`agentos bootstrap --replicas`), not a process'.
    const differences = settingDifferences(config, { ...needed.settings, num_replicas: config.num_replicas });
    if (differences.length > 0) log.warn({ stream: name, differences }, `stream ${name} differs from AgentOS' settings (left as it is; \`agentos bootstrap\` sets them): ${differences.join(', ')}`);
    return;
  } catch (error) {
    if (!isStreamNotFound(error)) throw error;
  }
  try {
    await needed.create();
    log.info({ stream: name }, `created missing stream ${name} (development: run \`agentos bootstrap\` in a deployment)`);
  } catch (error) {
    if (isRefused(error)) throw new MissingStreamError(name);
    // Another instance created it between our look-up and create.
    if (!/already in use/i.test(String((error as Error).message))) throw error;
  }
}

/** The streams of the contracts table (replicas: for one created in development). */
export async function requireContractStreams(jsm: JetStreamManager, options: TopologyOptions, log: Log): Promise<void> {
  for (const settings of contractStreamSettings(options)) await requireStream(jsm, { settings, create: () => jsm.streams.add(settings) }, log);
}
