import { ErrorCode, NatsError, type JetStreamManager, type StreamConfig } from 'nats';
import type { Log } from './log';
import { MissingStreamError, requireStream } from './stream-check';
import { eventStoreStreamSettings } from './topology';

/** A JetStream manager that knows the given streams and records every change asked of it. */
function fakeManager(streams: Record<string, Partial<StreamConfig>>) {
  const changes: string[] = [];
  const jsm = {
    streams: {
      info: async (name: string) => {
        if (!streams[name]) throw new Error('stream not found');
        return { config: streams[name] };
      },
      update: async (name: string) => void changes.push(`update ${name}`),
      add: async (config: StreamConfig) => void changes.push(`add ${config.name}`),
    },
  } as unknown as JetStreamManager;
  return { jsm, changes };
}

const recordingLog = () => {
  const warnings: string[] = [];
  const log: Log = { info: () => undefined, error: () => undefined, warn: (_fields, message) => void warnings.push(message ?? '') };
  return { log, warnings };
};

const refused = () => Promise.reject(new NatsError('Permissions Violation for Publish to "$JS.API.STREAM.CREATE.AGENTOS_EVENT_STORE"', ErrorCode.PermissionsViolation));

describe('requireStream: services check the streams they need and never change them', () => {
  const settings = eventStoreStreamSettings({ replicas: 3 });

  it('fails with an error naming the missing stream and `agentos bootstrap` when it may not create it', async () => {
    const { jsm } = fakeManager({});
    const failure = requireStream(jsm, { settings, create: refused }, recordingLog().log);
    await expect(failure).rejects.toBeInstanceOf(MissingStreamError);
    await expect(failure).rejects.toThrow('JetStream stream AGENTOS_EVENT_STORE does not exist: run `agentos bootstrap`');
  });

  it('creates a missing stream where it may (development, auth off)', async () => {
    const created: string[] = [];
    await requireStream(fakeManager({}).jsm, { settings, create: async () => void created.push(settings.name) }, recordingLog().log);
    expect(created).toEqual(['AGENTOS_EVENT_STORE']);
  });

  it('warns about a stream whose settings differ, naming the difference, and leaves it as it is', async () => {
    const shrunk = { ...settings, max_msgs: 1, duplicate_window: 1 };
    const { jsm, changes } = fakeManager({ AGENTOS_EVENT_STORE: shrunk });
    const { log, warnings } = recordingLog();
    await requireStream(jsm, { settings, create: async () => changes.push('create') }, log);
    expect(changes).toEqual([]);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toContain('stream AGENTOS_EVENT_STORE differs');
    expect(warnings[0]).toContain('max_msgs: 1 (expected -1)');
    expect(warnings[0]).toContain(`duplicate_window: 1 (expected ${settings.duplicate_window})`);
  });

  it('is quiet about a stream as AgentOS sets it, whatever its replica count (bootstrap scales)', async () => {
    const { jsm, changes } = fakeManager({ AGENTOS_EVENT_STORE: { ...settings, num_replicas: 1 } });
    const { log, warnings } = recordingLog();
    await requireStream(jsm, { settings, create: async () => changes.push('create') }, log);
    expect([changes, warnings]).toEqual([[], []]);
  });
});
