import {
  CATALOG,
  EnvelopeHeader,
  STREAMS,
  createMessage,
  decodeMessage,
  isMessageType,
  isUuid,
  newId,
  principalOf,
  routingSubjectOf,
  subjectFilter,
  subjectMismatch,
  subjectOf,
  type Actor,
  type Envelope,
  type MessageOf,
  type MessageType,
  type Origin,
  type PayloadInput,
  type QueryType,
  type StreamMessageType,
  type StreamName,
  type WorkflowDefinition,
} from '@agentos/contracts';
import { NatsConnector, viewOwner, type QueryReply } from '@agentos/messaging';
import { waitFor } from '@agentos/testing';
import fc from 'fast-check';
import { ErrorCode, type ConsumerMessages, type JetStreamClient, type JsMsg, type NatsConnection } from 'nats';
import { z } from 'zod';
import { SERVICES, startSystem, type RunningSystem } from './system';

/**
 * Bad-input fuzzing: malformed, oversized, wrong-version and mistyped messages are thrown at every
 * subject a service consumes (derived from CATALOG and the live consumers) and at every query
 * subject. Properties: every bad stream message becomes exactly one MessageDeadLettered per consumer
 * of its subject, with a reason and the original; malformed queries get an error reply (or none),
 * never an answer; no service crashes; and good traffic (summarise intents) completes throughout.
 *
 * Deterministic: fixed seeds (override with FUZZ_SEED=<n> to explore). A failure names its seed.
 */
const BASE_SEED = Number(process.env.FUZZ_SEED ?? 424_242);
/** fast-check runs per (subject, class); oversized messages are 1–2 MiB each, so one per subject. */
const RUNS = { 'not-json': 3, 'not-envelope': 3, 'broken-payload': 4, 'wrong-version': 2, oversized: 1, 'unknown-type': 2, 'other-type': 1, 'other-sender': 2 } as const;
type BadClass = keyof typeof RUNS;
const CLASSES = Object.keys(RUNS) as BadClass[];

const MiB = 1024 * 1024;
const ORIGIN: Origin = { tenant: 'fuzz', actor: { kind: 'user', id: 'fuzzer' } };
/** The fuzzer's sender tokens: every subject it publishes on ends with them, as the broker would let its principal. */
const SENDER = `${ORIGIN.tenant}.${principalOf(ORIGIN.actor)}`;
/** Values for the `{tokens}` of templated subjects: the summariser instance the harness starts. */
const TOKENS: Record<string, string> = { agent: 'summariser', instanceId: 'e2e-summariser', name: 'summariser', service: 'fuzz', partition: '0' };
/** Consumers belong to a service by durable-name prefix (`<service>-<type>`, `agent-<name>-<instance>`). */
const SERVICE_NAMES = [...SERVICES.map((s) => s.name), 'agent-summariser'];
/** Valid messages a core-NATS subscriber acts on (kill switches, budgets): never published anywhere. */
const ACTED_ON = new Set<MessageType>(['KillSwitchActivated', 'KillSwitchReleased', 'BudgetExhausted']);

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type JsonObject = { [key: string]: Json };

// ---------------------------------------------------------------------------------------------
// Valid fixtures: the base that the generators break. Never published as they are.
// ---------------------------------------------------------------------------------------------

const agentRef = { agent: 'summariser', agentVersion: '1.0.0', instanceId: 'e2e-summariser' };
const fuzzAgent = { name: 'fuzz', version: '1.0.0', instanceId: 'fuzz-1' };
const descriptor = () => ({ ...fuzzAgent, owner: 'fuzz', capabilities: ['fuzz'] });
const provenance = () => ({ writtenBy: 'user:fuzzer', causationId: null, correlationId: newId(), writtenAt: new Date().toISOString() });
const intentInput = () => ({ intentId: newId(), goal: 'fuzz', capability: 'summarise', input: { text: 'x' } });
const killSwitch = () => ({ scope: 'agent' as const, target: 'fuzz', reason: 'fuzz' });
const definition = () => ({
  name: 'fuzz',
  priority: 'normal' as const,
  steps: [{ id: 'a', target: { capability: 'summarise' }, input: {}, timeoutMs: 1_000, retries: { max: 0, initialBackoffMs: 0, maxBackoffMs: 0 }, needs: [], onFailure: { kind: 'fail' as const } }],
  compensations: [],
});
/** A one-step workflow definition in its wire form, for the messages that carry one. */
const fuzzDefinition: WorkflowDefinition = {
  name: 'fuzz',
  priority: 'normal',
  steps: [{ id: 'a', target: { capability: 'summarise' }, input: {}, timeoutMs: 1_000, retries: { max: 0, initialBackoffMs: 0, maxBackoffMs: 0 }, needs: [], onFailure: { kind: 'fail' } }],
  compensations: [],
};
const task = () => ({ taskId: newId(), intentId: newId(), stepId: 'main', attempt: 1 });

/**
 * A valid payload per stream-backed type (a consumed type without one fails the suite by name).
 * Partial on purpose: a new catalog type does not break the typecheck, only the fuzzer once consumed.
 */
const STREAM_FIXTURES: { [T in StreamMessageType]?: () => PayloadInput<T> } = {
  SubmitIntent: intentInput,
  IntentSubmitted: intentInput,
  IntentRejected: () => ({ intentId: newId(), reason: 'fuzz', rule: null }),
  IntentCompleted: () => ({ intentId: newId(), taskId: newId(), output: {} }),
  IntentFailed: () => ({ intentId: newId(), reason: 'fuzz' }),
  ApprovalRequested: () => ({ intentId: newId(), rule: null, reason: 'fuzz' }),
  ApproveIntent: () => ({ intentId: newId() }),
  RejectIntent: () => ({ intentId: newId() }),
  IntentApproved: () => ({ intentId: newId(), approver: 'fuzz', waitedMs: 1 }),
  TaskQueued: () => ({ ...task(), target: { capability: 'summarise' }, input: {}, priority: 'normal', timeoutMs: 1_000, deadline: new Date().toISOString() }),
  TaskAssigned: () => ({ ...task(), ...agentRef, input: { text: 'x' } }),
  AssignTask: () => ({ ...task(), instanceId: 'e2e-summariser' }),
  FireTimer: () => ({ intentId: newId(), kind: 'deadline', stepId: 'main', attempt: 1 }),
  TaskExpired: () => ({ ...task(), timeoutMs: 1_000, reason: 'fuzz' }),
  TaskProgressed: () => ({ taskId: newId(), intentId: newId(), stepId: 'main', agent: 'summariser', instanceId: 'e2e-summariser', message: 'fuzz' }),
  TaskCompleted: () => ({ ...task(), ...agentRef, output: {} }),
  TaskFailed: () => ({ ...task(), ...agentRef, error: 'fuzz' }),
  CancelRun: () => ({ runId: newId(), reason: 'fuzz' }),
  PauseRuns: () => ({ select: { kind: 'run', runId: newId() }, reason: 'fuzz' }),
  ResumeRuns: () => ({ select: { kind: 'workflow', name: 'fuzz' } }),
  RetryRun: () => ({ runId: newId() }),
  CreateSchedule: () => ({ scheduleId: newId(), cron: '0 * * * *', definition: fuzzDefinition }),
  PauseSchedule: () => ({ scheduleId: newId() }),
  ResumeSchedule: () => ({ scheduleId: newId() }),
  DeleteSchedule: () => ({ scheduleId: newId() }),
  ScheduleFired: () => ({ scheduleId: newId(), tickAt: new Date().toISOString(), workflowId: newId(), missed: 0, definition: fuzzDefinition, input: {}, owner: 'fuzz' }),
  ResetRun: () => ({ runId: newId(), toStep: 'fuzz', newRunId: newId() }),
  RunForked: () => ({ runId: newId(), newRunId: newId(), fromStep: 'a', forkedBy: 'user:fuzz', owner: 'fuzz', definition: fuzzDefinition, input: {}, priority: 'normal', reused: {} }),
  SignalRun: () => ({ runId: newId(), name: 'fuzz', data: { fine: true } }),
  CallParked: () => ({ ...task(), approvalId: newId(), agent: 'summariser', instanceId: 'e2e-summariser', action: 'tool.call', resource: { kind: 'tool', name: 'fuzz' }, args: {}, rule: null, reason: 'fuzz' }),
  RegisterAgent: descriptor,
  AgentRegistered: descriptor,
  AgentRegistrationRejected: () => ({ name: 'fuzz', version: '1.0.0', owner: 'fuzz', reason: 'fuzz' }),
  AgentHeartbeatSent: () => ({ name: 'summariser', version: '1.0.0', instanceId: 'e2e-summariser', inFlight: 0, concurrency: 1 }),
  DeregisterAgent: () => ({ ...fuzzAgent, reason: 'fuzz' }),
  AgentInstanceDropped: () => ({ ...fuzzAgent, reason: 'fuzz', lastSeenAt: new Date().toISOString() }),
  SpawnAgent: () => ({ template: 'fuzz' }),
  TerminateAgent: () => ({ instanceId: 'fuzz-1' }),
  AgentSpawned: () => ({ template: 'fuzz', agent: 'fuzz', instanceId: 'fuzz-1', pid: 1, restarts: 0 }),
  AgentExited: () => ({ template: 'fuzz', agent: 'fuzz', instanceId: 'fuzz-1', pid: 1, code: 0, signal: null, willRestartInMs: null }),
  AgentTerminated: () => ({ template: 'fuzz', agent: 'fuzz', instanceId: 'fuzz-1', reason: 'fuzz' }),
  SpawnAgentRefused: () => ({ template: 'fuzz', reason: 'fuzz' }),
  CircuitStateChanged: () => ({ agent: 'fuzz', instanceId: 'fuzz-1', from: 'closed', to: 'open', consecutiveFailures: 3 }),
  RunWorkflow: () => ({ workflowId: newId(), definition: definition() }),
  WorkflowStarted: () => ({ workflowId: newId(), definition: definition(), input: {}, priority: 'normal' }),
  WorkflowRejected: () => ({ workflowId: newId(), reason: 'fuzz' }),
  WorkflowCompleted: () => ({ workflowId: newId(), output: {} }),
  WorkflowFailed: () => ({ workflowId: newId(), reason: 'fuzz' }),
  StepCompleted: () => ({ workflowId: newId(), stepId: 'a', taskId: newId(), attempt: 1, output: {} }),
  StepFailed: () => ({ workflowId: newId(), stepId: 'a', attempt: 1, error: 'fuzz' }),
  StepRetryScheduled: () => ({ workflowId: newId(), stepId: 'a', attempt: 2, delayMs: 1, dueAt: new Date().toISOString(), error: 'fuzz' }),
  StepSkipped: () => ({ workflowId: newId(), stepId: 'a', reason: 'fuzz' }),
  PolicyCheckRequested: () => ({ requestId: newId(), action: 'intent.submit', subject: {}, resource: { kind: 'intent', name: 'fuzz' } }),
  PolicyDecided: () => ({ requestId: newId(), resource: { kind: 'intent', name: 'fuzz' }, action: 'intent.submit', effect: 'deny', rule: null, reason: 'fuzz', bundleVersion: 'fuzz' }),
  ActivateKillSwitch: killSwitch,
  KillSwitchActivated: killSwitch,
  ReleaseKillSwitch: killSwitch,
  KillSwitchReleased: killSwitch,
  PublishPolicyBundle: () => ({ yaml: 'rules: []' }),
  PolicyBundlePublished: () => ({ version: 'fuzz', sha256: 'fuzz', rules: 0 }),
  PolicyBundleRejected: () => ({ source: 'fuzz', problems: ['fuzz'] }),
  UsageRecorded: () => ({ intentId: newId(), taskId: newId(), agent: 'summariser', steps: 1 }),
  BudgetExhausted: () => ({ scope: 'workflow', id: newId(), metric: 'steps', used: 1, limit: 1 }),
  ContentFlagged: () => ({ origin: 'user_input', source: 'input.text', score: 1, categories: ['fuzz'], action: 'quarantine', excerpt: 'fuzz' }),
  MemoryWritten: () => ({ scope: 'tenant', scopeId: 'fuzz', key: 'fuzz', revision: 1, value: {}, expiresAt: null, provenance: provenance() }),
  MemoryDeleted: () => ({ scope: 'tenant', scopeId: 'fuzz', key: 'fuzz', revision: 1, provenance: provenance() }),
  NoteAppended: () => ({ scope: 'tenant', scopeId: 'fuzz', noteId: newId(), text: 'fuzz', tags: [], provenance: provenance() }),
  DecisionInputRecorded: () => ({ decider: 'fuzz', causeId: newId(), input: {} }),
  MessageDeadLettered: () => ({ service: 'fuzz', consumer: 'fuzz', subject: 'agentos.cmd.fuzz', streamSequence: 1, deliveries: 1, reason: 'invalid-message', error: 'fuzz', original: '' }),
};

/** Every query type, with a payload that its service answers with ok: true. */
const QUERY_FIXTURES: { [T in QueryType]: () => PayloadInput<T> } = {
  GetSchedulerState: () => ({}),
  GetReplicaSchedulerState: () => ({}),
  FindAgents: () => ({ name: 'summariser' }),
  ListKillSwitches: () => ({}),
  ScreenContent: () => ({ origin: 'user_input', source: 'input.text', text: 'Fine. Still fine.' }),
  ScreenInput: () => ({ intentId: newId(), input: { text: 'Fine. Still fine.' } }),
  IsFeatureEnabled: () => ({ feature: 'fuzz' }),
  GetPolicyBundle: () => ({}),
  CheckPolicy: () => ({ requestId: newId(), action: 'memory.read', subject: { agent: 'summariser' }, resource: { kind: 'memory', name: 'tenant/fuzz' } }),
  DecidePolicyCheck: () => ({ requestId: newId(), action: 'memory.read', subject: { agent: 'summariser' }, resource: { kind: 'memory', name: 'tenant/fuzz' } }),
  WriteMemory: () => ({ scope: 'tenant', scopeId: 'fuzz', key: 'fuzz.value', value: { fine: true } }),
  DeleteMemory: () => ({ scope: 'tenant', scopeId: 'fuzz', key: 'fuzz.value' }),
  GetMemory: () => ({ scope: 'tenant', scopeId: 'fuzz', key: 'fuzz.value' }),
  ListMemory: () => ({ scope: 'tenant', scopeId: 'fuzz' }),
  AppendNote: () => ({ scope: 'tenant', scopeId: 'fuzz', text: 'a fuzz note' }),
  SearchNotes: () => ({ scope: 'tenant', scopeId: 'fuzz', query: 'fuzz' }),
  GetMetrics: () => ({}),
  GetCallApproval: () => ({ intentId: newId(), approvalId: newId() }),
  ListSchedules: () => ({}),
  // Answered (ok: true) with a refusal: only orchestrator replicas hand run messages on.
  HandleRunMessage: () => ({ partition: '0', message: JSON.stringify(createMessage('CancelRun', { runId: newId(), reason: 'fuzz' }, ORIGIN)) }),
};

const hasFixture = (type: MessageType): boolean => type in STREAM_FIXTURES || type in QUERY_FIXTURES;

/** A fresh valid message of a type, as plain JSON (ids and times new each call). */
function validEnvelope(type: MessageType, origin: Origin = ORIGIN): JsonObject {
  const fixtures = { ...STREAM_FIXTURES, ...QUERY_FIXTURES } as Record<string, (() => unknown) | undefined>;
  const fixture = fixtures[type];
  if (!fixture) throw new Error(`no valid fixture for ${type}: add one to STREAM_FIXTURES`);
  return JSON.parse(JSON.stringify(createMessage(type as never, fixture() as never, origin))) as JsonObject;
}

// ---------------------------------------------------------------------------------------------
// Arbitraries. They generate small descriptions of a bad message; `materialise` builds the bytes
// (so a failing counterexample prints a size, not 2 MiB of text).
// ---------------------------------------------------------------------------------------------

type PayloadBreak =
  | { kind: 'missing'; field: string }
  | { kind: 'wrong-type'; field: string; value: Json }
  | { kind: 'not-object'; value: Json | undefined }
  | { kind: 'junk'; field: string | null; depth: number };

type Bad =
  | { cls: 'not-json'; variant: 'bytes'; bytes: Uint8Array }
  | { cls: 'not-json'; variant: 'truncated'; keep: number }
  | { cls: 'not-json'; variant: 'text'; text: string }
  | { cls: 'not-envelope'; variant: 'json'; value: Json }
  | { cls: 'not-envelope'; variant: 'deep'; depth: number; open: '[' | '{"a":' }
  | { cls: 'not-envelope'; variant: 'header'; field: string; value: Json | undefined }
  | { cls: 'broken-payload'; broken: PayloadBreak }
  | { cls: 'wrong-version'; version: Json | undefined }
  | { cls: 'oversized'; variant: 'raw' | 'payload-blob' | 'header-blob'; size: number; fill: string }
  | { cls: 'unknown-type'; type: string }
  | { cls: 'other-type'; type: MessageType }
  | { cls: 'other-sender'; tenant: string; actor: Actor };

const WRONG_VALUES: Json[] = [12_345, -1.5, 'not-the-right-type', true, null, [], [1, 'two'], { nested: { junk: true } }];
const NOT_OBJECTS: (Json | undefined)[] = [undefined, null, 42, 'payload', true, [], [{}]];

const shapeOf = (schema: z.ZodType): Record<string, z.ZodType> => (schema instanceof z.ZodObject ? (schema.shape as Record<string, z.ZodType>) : {});
const requiredFields = (schema: z.ZodType) => Object.entries(shapeOf(schema)).filter(([, field]) => !field.safeParse(undefined).success).map(([name]) => name);
const wrongTypes = (schema: z.ZodType) =>
  Object.entries(shapeOf(schema)).flatMap(([field, fieldSchema]) => WRONG_VALUES.filter((value) => !fieldSchema.safeParse(value).success).map((value) => ({ field, value })));

/** Text that does not parse as JSON at all. */
const notJsonText = fc.constantFrom('', ' ', 'undefined', 'NaN', '{', '}', '{"id":', "{'single':'quotes'}", '[1,2,', '\u0000\u0001\u0002', 'agentos', '\uFEFF{}', '{"a":1}}', '<xml/>');

const notJson = (): fc.Arbitrary<Bad> =>
  fc.oneof(
    fc.uint8Array({ minLength: 1, maxLength: 512 }).map((bytes): Bad => ({ cls: 'not-json', variant: 'bytes', bytes: Uint8Array.from([0xff, ...bytes]) })),
    fc.double({ min: 0, max: 0.999, noNaN: true }).map((keep): Bad => ({ cls: 'not-json', variant: 'truncated', keep })),
    notJsonText.map((text): Bad => ({ cls: 'not-json', variant: 'text', text })),
  );

const headerFields = Object.keys(EnvelopeHeader.shape);
const notEnvelope = (): fc.Arbitrary<Bad> =>
  fc.oneof(
    fc.jsonValue({ maxDepth: 4 }).map((value): Bad => ({ cls: 'not-envelope', variant: 'json', value: value as Json })),
    fc.record({ depth: fc.integer({ min: 100, max: 20_000 }), open: fc.constantFrom<'[' | '{"a":'>('[', '{"a":') }).map((d): Bad => ({ cls: 'not-envelope', variant: 'deep', ...d })),
    fc
      .record({ field: fc.constantFrom(...headerFields), value: fc.constantFrom<Json | undefined>(undefined, 'not-a-uuid', 'ACME Corp', -1, 1.5, null, {}, [], 'yesterday') })
      // Only the values that break that header field (causationId: null and traceparent: absent are fine).
      .filter(({ field, value }) => !(EnvelopeHeader.shape as Record<string, z.ZodType>)[field].safeParse(value).success)
      .map((d): Bad => ({ cls: 'not-envelope', variant: 'header', ...d })),
  );

function brokenPayload(type: MessageType): fc.Arbitrary<Bad> {
  const schema = CATALOG[type].schema;
  const required = requiredFields(schema);
  const wrong = wrongTypes(schema);
  const options: fc.Arbitrary<PayloadBreak>[] = [fc.constantFrom(...NOT_OBJECTS).map((value): PayloadBreak => ({ kind: 'not-object', value }))];
  if (required.length > 0) options.push(fc.constantFrom(...required).map((field): PayloadBreak => ({ kind: 'missing', field })));
  if (wrong.length > 0) options.push(fc.constantFrom(...wrong).map(({ field, value }): PayloadBreak => ({ kind: 'wrong-type', field, value })));
  // Junk alone is stripped by the (non-strict) schemas, so it always comes with a missing field,
  // or with a payload that is no object when the schema has no required field.
  options.push(fc.record({ field: required.length > 0 ? fc.constantFrom(...required) : fc.constant(null), depth: fc.integer({ min: 10, max: 1_500 }) }).map((d): PayloadBreak => ({ kind: 'junk', ...d })));
  return fc.oneof(...options).map((broken): Bad => ({ cls: 'broken-payload', broken }));
}

const wrongVersion = (type: MessageType): fc.Arbitrary<Bad> =>
  fc
    .oneof(fc.constant(99), fc.integer({ min: 2, max: 1_000_000 }), fc.constantFrom<Json | undefined>(0, -1, 1.5, '1', null, undefined, CATALOG[type].version + 1))
    .filter((version) => version !== CATALOG[type].version)
    .map((version): Bad => ({ cls: 'wrong-version', version }));

const oversized = (): fc.Arbitrary<Bad> =>
  fc
    .record({ variant: fc.constantFrom<'raw' | 'payload-blob' | 'header-blob'>('raw', 'payload-blob', 'header-blob'), size: fc.integer({ min: MiB, max: 2 * MiB }), fill: fc.constantFrom('x', 'é', '0', ' ', '€') })
    .map((d): Bad => ({ cls: 'oversized', ...d }));

const unknownType = (type: MessageType): fc.Arbitrary<Bad> =>
  fc
    .oneof(
      fc.string({ maxLength: 40 }),
      fc.constantFrom('__proto__', 'constructor', 'toString', 'hasOwnProperty', 'valueOf', type.toLowerCase(), `${type} `, `${type}V2`, `agentos.${type}`),
    )
    .filter((candidate) => !isMessageType(candidate))
    .map((candidate): Bad => ({ cls: 'unknown-type', type: candidate }));

const otherType = (type: MessageType): fc.Arbitrary<Bad> => {
  const others = (Object.keys(CATALOG) as MessageType[]).filter((other) => other !== type && hasFixture(other) && !ACTED_ON.has(other));
  return fc.constantFrom(...others).map((other): Bad => ({ cls: 'other-type', type: other }));
};

/** A valid message that claims a tenant or actor other than the fuzzer's, which its subject names: forged identity. */
const otherSender = (): fc.Arbitrary<Bad> =>
  fc
    .record({
      tenant: fc.constantFrom(ORIGIN.tenant, 'system', 'acme', 'intruder'),
      actor: fc.constantFrom<Actor>(ORIGIN.actor, { kind: 'agent', id: 'summariser@1.0.0' }, { kind: 'service', id: 'orchestrator' }, { kind: 'user', id: 'admin' }, { kind: 'agent', id: 'fuzzer@1.0.0' }),
    })
    .filter(({ tenant, actor }) => tenant !== ORIGIN.tenant || principalOf(actor) !== principalOf(ORIGIN.actor))
    .map((claim): Bad => ({ cls: 'other-sender', ...claim }));

const ARBITRARIES: Record<BadClass, (type: MessageType) => fc.Arbitrary<Bad>> = {
  'not-json': notJson,
  'not-envelope': notEnvelope,
  'broken-payload': brokenPayload,
  'wrong-version': wrongVersion,
  oversized,
  'unknown-type': unknownType,
  'other-type': otherType,
  'other-sender': otherSender,
};

function deep(depth: number): JsonObject {
  let junk: JsonObject = { leaf: ['junk', 1, null] };
  for (let i = 0; i < depth; i += 1) junk = { n: junk, [`k${i % 7}`]: i };
  return junk;
}

interface Materialised {
  bytes: Uint8Array;
  /** The envelope sent, when it is one (its id and correlation must survive into the dead letter). */
  envelope?: JsonObject;
  /** An issue path the dead letter must name. */
  issuePath?: string;
}

const utf8 = (text: string) => Buffer.from(text, 'utf8');

/** Builds the bytes of a bad message for a message type (`type` is what the subject carries). */
function materialise(type: MessageType, bad: Bad): Materialised {
  switch (bad.cls) {
    case 'not-json':
      if (bad.variant === 'bytes') return { bytes: bad.bytes };
      if (bad.variant === 'text') return { bytes: utf8(bad.text) };
      {
        const text = JSON.stringify(validEnvelope(type));
        // A strict prefix of JSON.stringify's object text never parses: its braces do not close.
        return { bytes: utf8(text.slice(0, Math.max(1, Math.floor(bad.keep * text.length)))) };
      }
    case 'not-envelope':
      if (bad.variant === 'json') return { bytes: utf8(JSON.stringify(bad.value)) };
      if (bad.variant === 'deep') return { bytes: utf8(`${bad.open.repeat(bad.depth)}1${(bad.open === '[' ? ']' : '}').repeat(bad.depth)}`) };
      {
        const envelope = validEnvelope(type);
        if (bad.value === undefined) delete envelope[bad.field];
        else envelope[bad.field] = bad.value;
        return { bytes: utf8(JSON.stringify(envelope)), envelope, issuePath: bad.field };
      }
    case 'broken-payload': {
      const envelope = validEnvelope(type);
      const payload = envelope.payload as JsonObject;
      const { broken } = bad;
      let issuePath: string;
      if (broken.kind === 'not-object') {
        if (broken.value === undefined) delete envelope.payload;
        else envelope.payload = broken.value;
        issuePath = 'payload';
      } else if (broken.kind === 'missing') {
        delete payload[broken.field];
        issuePath = `payload.${broken.field}`;
      } else if (broken.kind === 'wrong-type') {
        payload[broken.field] = broken.value;
        issuePath = `payload.${broken.field}`;
      } else {
        envelope.junk = deep(broken.depth);
        if (broken.field === null) {
          envelope.payload = [deep(broken.depth)];
          issuePath = 'payload';
        } else {
          delete payload[broken.field];
          payload.junk = deep(broken.depth);
          issuePath = `payload.${broken.field}`;
        }
      }
      return { bytes: utf8(JSON.stringify(envelope)), envelope, issuePath };
    }
    case 'wrong-version': {
      const envelope = validEnvelope(type);
      if (bad.version === undefined) delete envelope.version;
      else envelope.version = bad.version;
      return { bytes: utf8(JSON.stringify(envelope)), envelope, issuePath: 'version' };
    }
    case 'oversized': {
      const blob = bad.fill.repeat(Math.ceil(bad.size / Buffer.byteLength(bad.fill)));
      if (bad.variant === 'raw') return { bytes: utf8(`<${blob}`) };
      const envelope = validEnvelope(type);
      if (bad.variant === 'header-blob') {
        envelope.type = `Blob${blob}`;
        return { bytes: utf8(JSON.stringify(envelope)), envelope, issuePath: 'type' };
      }
      const required = requiredFields(CATALOG[type].schema);
      if (required.length === 0) {
        envelope.payload = blob;
        return { bytes: utf8(JSON.stringify(envelope)), envelope, issuePath: 'payload' };
      }
      const payload = envelope.payload as JsonObject;
      delete payload[required[0]];
      payload.blob = blob;
      return { bytes: utf8(JSON.stringify(envelope)), envelope, issuePath: `payload.${required[0]}` };
    }
    case 'unknown-type': {
      const envelope = validEnvelope(type);
      envelope.type = bad.type;
      return { bytes: utf8(JSON.stringify(envelope)), envelope, issuePath: 'type' };
    }
    case 'other-type': {
      const envelope = validEnvelope(bad.type);
      return { bytes: utf8(JSON.stringify(envelope)), envelope, issuePath: 'type' };
    }
    case 'other-sender': {
      const envelope: JsonObject = { ...validEnvelope(type), tenant: bad.tenant, actor: { ...bad.actor } };
      return { bytes: utf8(JSON.stringify(envelope)), envelope, issuePath: 'subject' };
    }
  }
}

/**
 * The classification, by the contract's own parser: every class is invalid for the subject's type.
 * All but other-type and other-sender fail decodeMessage; other-type is a valid message of another type,
 * other-sender a valid message of this type whose tenant or actor is not the fuzzer's (its subject's).
 */
function assertCertainlyBad(type: MessageType, bad: Bad, bytes: Uint8Array): void {
  const parsed = decodeMessage(bytes);
  if (bad.cls === 'other-sender') {
    if (!parsed.ok || parsed.message.type !== type || !subjectMismatch(parsed.message, `${routingSubjectOf(parsed.message)}.${SENDER}`)) {
      throw new Error(`generator bug: other-sender message for ${type} is not a valid message claiming another sender: ${parsed.ok ? subjectOf(parsed.message) : parsed.error}`);
    }
  } else if (bad.cls === 'other-type') {
    if (!parsed.ok || parsed.message.type === type) throw new Error(`generator bug: other-type message is not a valid ${bad.type}: ${parsed.ok ? parsed.message.type : parsed.error}`);
  } else if (parsed.ok) {
    throw new Error(`generator bug: ${bad.cls} message for ${type} is valid by accident (${parsed.message.type})`);
  }
}

/** Runs a property with a fixed seed; a failure names the class, the target and how to replay it. */
async function check<T>(label: string, arbitrary: fc.Arbitrary<T>, seed: number, numRuns: number, predicate: (value: T) => Promise<void>): Promise<void> {
  try {
    await fc.assert(fc.asyncProperty(arbitrary, predicate), { seed, numRuns, endOnFailure: true, includeErrorInReport: true });
  } catch (error) {
    throw new Error(`fuzz property "${label}" failed (seed ${seed}, numRuns ${numRuns}; replay with FUZZ_SEED=${BASE_SEED}):\n${(error as Error).message}`);
  }
}

// ---------------------------------------------------------------------------------------------
// Topology: what consumes what, read from the running system.
// ---------------------------------------------------------------------------------------------

interface ConsumerRef {
  durable: string;
  service: string;
}

interface Target {
  type: StreamMessageType;
  subject: string;
  stream: StreamName;
  consumers: ConsumerRef[];
}

/** NATS subject matching: `*` is one token, `>` one or more at the end. */
function subjectMatches(filter: string, subject: string): boolean {
  const f = filter.split('.');
  const s = subject.split('.');
  for (let i = 0; i < f.length; i += 1) {
    if (f[i] === '>') return s.length > i;
    if (i >= s.length || (f[i] !== '*' && f[i] !== s[i])) return false;
  }
  return f.length === s.length;
}

const serviceOf = (durable: string): string => {
  const owner = SERVICE_NAMES.filter((name) => durable.startsWith(`${name}-`)).sort((a, b) => b.length - a.length)[0];
  if (!owner) throw new Error(`durable consumer ${durable} belongs to no known service`);
  return owner;
};

/** The concrete subject of a type with its `{tokens}` filled in. */
const concreteSubject = (type: MessageType, origin?: Origin) =>
  `${CATALOG[type].subject.replace(/\{(\w+)\}/g, (_, token: string) => TOKENS[token] ?? 'fuzz')}.${origin ? `${origin.tenant}.${principalOf(origin.actor)}` : SENDER}`;
/** Queries only a service asks (their answerer refuses anyone else): their valid form is sent as that service. */
const ASKED_BY: Partial<Record<QueryType, Origin>> = { DecidePolicyCheck: { tenant: ORIGIN.tenant, actor: { kind: 'service', id: 'orchestrator' } } };

async function durableConsumers(connector: NatsConnector): Promise<Map<StreamName, { durable: string; filter: string; pending: number; ackPending: number }[]>> {
  const jsm = await connector.manager$();
  const found = new Map<StreamName, { durable: string; filter: string; pending: number; ackPending: number }[]>();
  for (const stream of Object.keys(STREAMS) as StreamName[]) {
    const list: { durable: string; filter: string; pending: number; ackPending: number }[] = [];
    for await (const info of jsm.consumers.list(stream)) {
      const filter = info.config.filter_subject ?? '>';
      if (info.config.durable_name) list.push({ durable: info.config.durable_name, filter, pending: info.num_pending, ackPending: info.num_ack_pending });
      // A service's view (FactView, `<service>-view-…`): an ordered consumer of one type, which parks as `<service>-<type>`.
      const viewer = viewOwner(info.name);
      const viewed = viewer && (Object.keys(CATALOG) as MessageType[]).find((type) => CATALOG[type].kind !== 'query' && subjectFilter(type as StreamMessageType) === filter);
      if (viewer && viewed) list.push({ durable: `${viewer}-${viewed}`, filter, pending: info.num_pending, ackPending: info.num_ack_pending });
    }
    found.set(stream, list);
  }
  return found;
}

// ---------------------------------------------------------------------------------------------
// Dead letters, collected as they are stored.
// ---------------------------------------------------------------------------------------------

type Letter = MessageOf<'MessageDeadLettered'>;
interface StoredLetter {
  dlqSubject: string;
  letter: Letter;
}

class DeadLetterCollector {
  /** By `<original subject>#<original stream sequence>`. */
  readonly byOriginal = new Map<string, StoredLetter[]>();
  readonly letters: StoredLetter[] = [];
  /** Messages on a dead-letter subject that are not valid dead letters (the fuzzer's own, on agentos.dlq.fuzz). */
  readonly notLetters: { subject: string; seq: number }[] = [];
  private messages?: ConsumerMessages;
  private loop?: Promise<void>;

  async start(js: JetStreamClient): Promise<void> {
    // An ordered consumer: every stored message, in order, from the start of the stream.
    const consumer = await js.consumers.get('AGENTOS_DEAD_LETTERS');
    this.messages = await consumer.consume();
    const messages = this.messages;
    this.loop = (async () => {
      for await (const message of messages) this.add(message);
    })();
  }

  async stop(): Promise<void> {
    this.messages?.stop();
    await this.loop;
  }

  lettersFor(subject: string, seq: number): StoredLetter[] {
    return this.byOriginal.get(`${subject}#${seq}`) ?? [];
  }

  private add(message: JsMsg): void {
    const parsed = decodeMessage(message.data);
    // The fuzzer's own messages on its dead-letter subject are bad input, even those that parse (forged senders).
    const fuzzers = message.subject === `agentos.dlq.fuzz.${SENDER}`;
    if (fuzzers || !parsed.ok || parsed.message.type !== 'MessageDeadLettered') return void this.notLetters.push({ subject: message.subject, seq: message.seq });
    const stored = { dlqSubject: message.subject, letter: parsed.message as Letter };
    const key = `${stored.letter.payload.subject}#${stored.letter.payload.streamSequence}`;
    this.byOriginal.set(key, [...(this.byOriginal.get(key) ?? []), stored]);
    this.letters.push(stored);
  }
}

// ---------------------------------------------------------------------------------------------

interface Sent {
  target: Target;
  cls: BadClass;
  seq: number;
}

const TRUNCATED = '…[truncated]';
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('bad-input fuzzing: every service subject, malformed/oversized/wrong-version/mistyped messages', () => {
  let system: RunningSystem;
  let connector: NatsConnector;
  let nc: NatsConnection;
  let js: JetStreamClient;
  const collector = new DeadLetterCollector();
  const targets: Target[] = [];
  let unconsumed: { type: StreamMessageType; subject: string }[] = [];
  const sent: Sent[] = [];
  /** Published to subjects nobody consumes durably: must not be dead-lettered (nothing reads them). */
  const sentUnconsumed: { subject: string; seq: number }[] = [];
  const queryOutcomes = { errorReplies: 0, noReply: 0, refused: 0 };
  const crashes: string[] = [];
  const onUnhandled = (error: unknown) => crashes.push(`unhandledRejection: ${(error as Error)?.stack ?? String(error)}`);
  const onUncaught = (error: Error) => crashes.push(`uncaughtException: ${error.stack ?? error.message}`);
  const timings: Record<string, number> = {};
  const startedAt = Date.now();
  // Good traffic, submitted in the background while the fuzzer runs.
  let fuzzing = true;
  const goodOutcomes: string[] = [];
  let goodTraffic: Promise<void> = Promise.resolve();

  const timed = async <T>(label: string, work: () => Promise<T>): Promise<T> => {
    const start = Date.now();
    try {
      return await work();
    } finally {
      timings[label] = Date.now() - start;
    }
  };

  beforeAll(async () => {
    process.on('unhandledRejection', onUnhandled);
    process.on('uncaughtException', onUncaught);
    system = await timed('start system', () => startSystem());
    connector = new NatsConnector({ servers: system.nats.url, name: 'e2e-fuzzer' });
    nc = await connector.connection$();
    js = await connector.jetstream();
    await collector.start(js);

    // Targets: every stream-backed type of the catalog whose concrete subject some durable consumer reads.
    const consumers = await durableConsumers(connector);
    for (const [type, spec] of Object.entries(CATALOG) as [MessageType, (typeof CATALOG)[MessageType]][]) {
      if (spec.kind === 'query') continue;
      const subject = concreteSubject(type);
      const readers = (consumers.get(spec.stream) ?? []).filter((c) => subjectMatches(c.filter, subject)).map((c) => ({ durable: c.durable, service: serviceOf(c.durable) }));
      if (readers.length === 0) unconsumed.push({ type: type as StreamMessageType, subject });
      else targets.push({ type: type as StreamMessageType, subject, stream: spec.stream, consumers: readers });
    }
    // The fixture of each target is valid and lands on the same subject (the subject's tokens are valid).
    for (const target of targets) expect([target.type, subjectOf(validEnvelope(target.type) as unknown as Envelope)]).toEqual([target.type, target.subject]);
    unconsumed = unconsumed.filter(({ type }) => hasFixture(type));

    goodTraffic = (async () => {
      while (fuzzing) {
        const { events } = await system.submit('summarise', { text: 'Fine. Still fine.' });
        goodOutcomes.push(events.at(-1)?.type ?? 'none');
        await sleep(150);
      }
    })().catch((error: Error) => void goodOutcomes.push(`error: ${error.message}`));
  }, 60_000);

  afterAll(async () => {
    fuzzing = false;
    await goodTraffic;
    await collector.stop();
    await connector?.close();
    await system?.stop();
    process.off('unhandledRejection', onUnhandled);
    process.off('uncaughtException', onUncaught);
    const perClass = CLASSES.map((cls) => `${cls}=${sent.filter((s) => s.cls === cls).length}`).join(' ');
    process.stdout.write(
      `fuzz summary: ${targets.length} consumed subjects × ${CLASSES.length} classes, ${sent.length} bad stream messages (${perClass}), ` +
        `${collector.letters.length} dead letters (${collector.letters.filter((l) => l.letter.payload.deliveries > 1).length} after a redelivery); ${sentUnconsumed.length} to unconsumed subjects; queries: ${queryOutcomes.errorReplies} error replies, ` +
        `${queryOutcomes.noReply} unanswered; good intents ${goodOutcomes.length}; timings ms ${JSON.stringify({ ...timings, total: Date.now() - startedAt })}\n` +
        `  consumed: ${targets.map((t) => `${t.type}(${t.consumers.length})`).join(' ')}\n  not consumed durably: ${unconsumed.map((u) => u.type).join(' ')}\n`,
    );
  }, 60_000);

  it('derives its targets from the catalog and the live consumers, with valid fixtures to break', () => {
    for (const type of Object.keys({ ...STREAM_FIXTURES, ...QUERY_FIXTURES }) as MessageType[]) {
      const parsed = decodeMessage(utf8(JSON.stringify(validEnvelope(type))));
      expect([type, parsed.ok]).toEqual([type, true]);
    }
    // Observability's views (FactView) are listed under the consumer name their dead letters carry, `observability-<type>`.
    const bySubject = Object.fromEntries(targets.map((t) => [t.subject, t.consumers.map((c) => c.durable).sort()]));
    // Spot checks that the derivation sees the system as it is (templated subjects filled with valid tokens).
    expect(bySubject[`agentos.cmd.intent.submit.${SENDER}`]).toEqual(['orchestrator-SubmitIntent']);
    expect(bySubject[`agentos.task.summariser.e2e-summariser.${SENDER}`]).toEqual(['agent-summariser-e2e-summariser', 'observability-TaskAssigned']);
    expect(bySubject[`agentos.hb.summariser.${SENDER}`]).toEqual(['registry-AgentHeartbeatSent']);
    expect(bySubject[`agentos.dlq.fuzz.${SENDER}`]).toEqual(['observability-MessageDeadLettered']);
    expect(bySubject[`agentos.evt.task.completed.${SENDER}`]).toEqual(['observability-TaskCompleted', 'orchestrator-TaskCompleted', 'policy-TaskCompleted']);
    expect(targets.length).toBeGreaterThanOrEqual(25);
    // Every stream the services read from is covered.
    expect(new Set(targets.map((t) => t.stream))).toEqual(new Set(['AGENTOS_COMMANDS', 'AGENTOS_EVENTS', 'AGENTOS_TASKS', 'AGENTOS_DEAD_LETTERS', 'AGENTOS_HEARTBEATS']));
  });

  /** Publishes one bad message and waits until each consumer of its subject has dead-lettered it, exactly as sent. */
  async function throwAt(target: Target, bad: Bad): Promise<void> {
    const { bytes, envelope, issuePath } = materialise(target.type, bad);
    assertCertainlyBad(target.type, bad, bytes);
    const ack = await js.publish(target.subject, bytes, { msgID: typeof envelope?.id === 'string' ? envelope.id : newId() });
    expect([ack.stream, ack.duplicate]).toEqual([target.stream, false]);
    sent.push({ target, cls: bad.cls, seq: ack.seq });
    const found = await waitFor(() => collector.lettersFor(target.subject, ack.seq), (letters) => letters.length >= target.consumers.length, {
      timeoutMs: 10_000,
      intervalMs: 5,
      what: `${target.consumers.length} dead letter(s) of ${bad.cls} message #${ack.seq} on ${target.subject}`,
    });
    // One per consumer: each service that reads the subject parks its own copy, on its own subject.
    expect(found.map((f) => f.letter.payload.consumer).sort()).toEqual(target.consumers.map((c) => c.durable).sort());
    const text = Buffer.from(bytes).toString('utf8');
    const id = envelope && typeof envelope.id === 'string' && isUuid(envelope.id) ? envelope.id : null;
    for (const { dlqSubject, letter } of found) {
      const service = target.consumers.find((c) => c.durable === letter.payload.consumer)?.service;
      expect([dlqSubject.startsWith(`agentos.dlq.${service}.`), letter.payload.service]).toEqual([true, service]);
      // Usually the first delivery; a redelivery (after ack_wait) must still give one dead letter, not two.
      expect(letter.payload).toMatchObject({ reason: 'invalid-message', subject: target.subject, streamSequence: ack.seq });
      expect(letter.payload.deliveries).toBeGreaterThanOrEqual(1);
      expect(letter.payload.error.length).toBeGreaterThan(0);
      expect(letter.payload.issues.length).toBeGreaterThan(0);
      if (issuePath) {
        const paths = letter.payload.issues.map((i) => i.path);
        expect([issuePath, paths.some((p) => p === issuePath || p.startsWith(`${issuePath}.`))]).toEqual([issuePath, true]);
      }
      if (bad.cls === 'other-type') expect(letter.payload.error).toMatch(/does not belong on/);
      if (bad.cls === 'other-sender') expect(letter.payload.error).toMatch(/but was sent (as tenant|by principal)/);
      // The original as received (as UTF-8 text); only a large one (oversized, deeply nested) is cut, and says so.
      if (letter.payload.original !== text) {
        expect(text.length).toBeGreaterThan(64 * 1024);
        expect(letter.payload.original.endsWith(TRUNCATED)).toBe(true);
        const kept = letter.payload.original.slice(0, -TRUNCATED.length);
        expect(kept.length).toBeGreaterThanOrEqual(64 * 1024);
        expect(text.startsWith(kept)).toBe(true);
      }
      // Traceable: the dead letter is caused by the message it parks (when that had an id).
      expect(letter.causationId).toBe(id);
      if (id && typeof envelope?.correlationId === 'string' && isUuid(envelope.correlationId)) expect(letter.correlationId).toBe(envelope.correlationId);
    }
  }

  for (const [index, cls] of CLASSES.entries()) {
    it(`dead-letters ${cls} messages on every consumed subject, once per consumer, with the reason and the original`, async () => {
      await timed(cls, async () => {
        for (const [t, target] of targets.entries()) {
          const seed = BASE_SEED + index * 1_000 + t;
          await check(`${cls} on ${target.subject}`, ARBITRARIES[cls](target.type), seed, RUNS[cls], (bad) => throwAt(target, bad));
        }
      });
      expect(sent.filter((s) => s.cls === cls)).toHaveLength(targets.length * RUNS[cls]);
    }, 60_000);
  }

  it('refuses a message over the server max_payload at the client, and the connection stays usable', async () => {
    const target = targets.find((t) => t.type === 'SubmitIntent')!;
    await expect(js.publish(target.subject, new Uint8Array(9 * MiB + 1))).rejects.toMatchObject({ code: ErrorCode.MaxPayloadExceeded });
    await throwAt(target, { cls: 'not-json', variant: 'text', text: 'after the refusal' });
  });

  it('lets bad messages on subjects that no service consumes durably sit, without crashing their core subscribers', async () => {
    // e.g. KillSwitchReleased and AgentRegistered, which the orchestrator and agents follow over core NATS.
    await timed('unconsumed subjects', async () => {
      for (const [u, { type, subject }] of unconsumed.entries()) {
        for (const [index, cls] of CLASSES.entries()) {
          if (cls === 'oversized') continue;
          await check(`${cls} on unconsumed ${subject}`, ARBITRARIES[cls](type), BASE_SEED + 50_000 + index * 1_000 + u, 1, async (bad) => {
            const { bytes } = materialise(type, bad);
            assertCertainlyBad(type, bad, bytes);
            const ack = await js.publish(subject, bytes, { msgID: newId() });
            sentUnconsumed.push({ subject, seq: ack.seq });
          });
        }
      }
    });
  }, 60_000);

  /** A request on a query subject: the reply, or none when the responder stays silent. */
  async function ask(subject: string, bytes: Uint8Array): Promise<QueryReply | undefined> {
    try {
      const response = await nc.request(subject, bytes, { timeout: 2_000 });
      return JSON.parse(Buffer.from(response.data).toString('utf8')) as QueryReply;
    } catch (error) {
      // No responders means the responder is gone: that is a crash, not a refusal.
      if ((error as { code?: string }).code === ErrorCode.Timeout) return undefined;
      throw error;
    }
  }

  it('answers malformed queries with an error (or not at all), never with an answer, and still answers valid ones', async () => {
    const queries = (Object.keys(CATALOG) as MessageType[]).filter((type): type is QueryType => CATALOG[type].kind === 'query');
    expect(queries.length).toBeGreaterThanOrEqual(14);
    await timed('queries', async () => {
      for (const [q, type] of queries.entries()) {
        const subject = concreteSubject(type);
        for (const [index, cls] of CLASSES.entries()) {
          await check(`${cls} query on ${subject}`, ARBITRARIES[cls](type), BASE_SEED + 100_000 + index * 1_000 + q, cls === 'oversized' ? 1 : 2, async (bad) => {
            const { bytes } = materialise(type, bad);
            assertCertainlyBad(type, bad, bytes);
            const answer = await ask(subject, bytes);
            if (answer === undefined) return void (queryOutcomes.noReply += 1);
            queryOutcomes.errorReplies += 1;
            expect(answer).toEqual({ ok: false, error: expect.any(String) });
            // A query in someone else's name is refused, and the attempt recorded as a dead letter.
            if (cls === 'other-sender') {
              expect((answer as { error: string }).error).toMatch(/^refused: .*but was sent (as tenant|by principal)/);
              queryOutcomes.refused += 1;
            }
            expect((answer as { error: string }).error.length).toBeGreaterThan(0);
          });
        }
        // A malformed query without a reply subject: nobody to answer, and nothing breaks.
        nc.publish(subject, utf8('{"no":"reply subject"}'));
        // The same query type, valid, is still answered.
        const valid = utf8(JSON.stringify(validEnvelope(type, ASKED_BY[type])));
        const answer = await ask(ASKED_BY[type] ? concreteSubject(type, ASKED_BY[type]) : subject, valid);
        expect([type, answer?.ok]).toEqual([type, true]);
        expect([type, CATALOG[type].reply.safeParse((answer as { reply: unknown }).reply).success]).toEqual([type, true]);
      }
    });
  }, 60_000);

  it('crashed nothing: every service answers, every consumer drained, nothing else dead-lettered, good traffic completed during and after', async () => {
    fuzzing = false;
    await goodTraffic;
    // Good traffic during the fuzzing, then once more after it.
    const after = await system.submit('summarise', { text: 'Fine. Still fine.' });
    goodOutcomes.push(after.events.at(-1)?.type ?? 'none');
    expect(goodOutcomes.length).toBeGreaterThanOrEqual(3);
    expect(goodOutcomes.every((outcome) => outcome === 'IntentCompleted')).toBe(true);
    expect(after.events.at(-1)).toMatchObject({ type: 'IntentCompleted', payload: { output: { summary: 'Fine.' } } });

    // Every service still answers (orchestrator, registry, memory, policy, observability).
    const origin = system.origin;
    expect((await system.client.query(createMessage('GetSchedulerState', {}, origin))).strategy).toEqual(expect.any(String));
    expect((await system.client.query(createMessage('FindAgents', { name: 'summariser' }, origin))).agents).toEqual([expect.objectContaining({ instanceId: 'e2e-summariser', status: 'up' })]);
    expect(await system.client.query(createMessage('ListKillSwitches', {}, origin))).toEqual({ switches: [] });
    expect(await system.client.query(createMessage('GetMemory', { scope: 'tenant', scopeId: 'acme', key: 'nothing.here' }, origin))).toEqual({ found: false });

    // Every durable consumer has handled (acked or terminated) everything: nothing stuck, nothing redelivering.
    const drained = await waitFor(
      () => durableConsumers(connector),
      (found) => [...found.values()].flat().every((c) => c.pending === 0 && c.ackPending === 0),
      { what: 'every durable consumer drained', timeoutMs: 15_000 },
    );
    expect([...drained.values()].flat().length).toBeGreaterThanOrEqual(targets.reduce((n, t) => n + t.consumers.length, 0));

    // Exactly the expected dead letters, no more: one per (bad message, consumer), none for good traffic,
    // none for the subjects nobody consumes, none for max-deliveries (no handler crashed on a message).
    await sleep(500);
    const expected = sent.reduce((n, s) => n + s.target.consumers.length, 0);
    // Queries sent in another's name are dead-lettered too (they have no stream sequence): one per refusal.
    const queryLetters = collector.letters.filter((l) => l.letter.payload.streamSequence === 0);
    expect(queryLetters).toHaveLength(queryOutcomes.refused);
    expect(queryOutcomes.refused).toBeGreaterThan(0);
    expect(collector.letters.length - queryLetters.length).toBe(expected);
    for (const s of sent) expect(collector.lettersFor(s.target.subject, s.seq)).toHaveLength(s.target.consumers.length);
    for (const u of sentUnconsumed) expect(collector.lettersFor(u.subject, u.seq)).toHaveLength(0);
    expect(new Set(collector.letters.map((l) => l.letter.payload.reason))).toEqual(new Set(['invalid-message']));
    // The only non-letters on dead-letter subjects are the fuzzer's own bad messages on agentos.dlq.fuzz.
    expect(collector.notLetters.every((m) => m.subject === `agentos.dlq.fuzz.${SENDER}`)).toBe(true);
    expect(collector.notLetters).toHaveLength(sent.filter((s) => s.target.subject === `agentos.dlq.fuzz.${SENDER}`).length);
    // Observability counted every dead letter.
    const metrics = await waitFor(
      () => system.client.query(createMessage('GetMetrics', {}, origin)),
      (m) => m.deadLetters['invalid-message'] === expected + queryOutcomes.refused,
      { what: `${expected} dead letters counted` },
    );
    expect(metrics.deadLetters['max-deliveries-exceeded'] ?? 0).toBe(0);

    expect(crashes).toEqual([]);
  }, 60_000);

  // The subject carries the routing: a payload naming another agent or instance is forged or misrouted.
  it('dead-letters a valid message whose payload tokens do not match its subject', async () => {
    const task = createMessage('TaskAssigned', { taskId: newId(), intentId: newId(), agent: 'ghost', agentVersion: '9.9.9', instanceId: 'ghost-1', input: { text: 'Ghost. Task.' } }, ORIGIN);
    expect(decodeMessage(utf8(JSON.stringify(task))).ok).toBe(true);
    const ack = await js.publish(`agentos.task.summariser.e2e-summariser.${SENDER}`, utf8(JSON.stringify(task)), { msgID: task.id });
    const letters = await waitFor(() => collector.lettersFor(`agentos.task.summariser.e2e-summariser.${SENDER}`, ack.seq), (found) => found.length >= 2, { what: 'the mis-addressed task dead-lettered' });
    expect(letters.map((l) => l.letter.payload.reason)).toEqual(['invalid-message', 'invalid-message']);
  });

  // The dead letter must fit in a message even when the error quotes a huge field (it is cut like the original).
  it('dead-letters a message whose unknown type is too long to echo in the dead letter', async () => {
    const target = targets.find((t) => t.type === 'SubmitIntent')!;
    const envelope: JsonObject = { ...validEnvelope('SubmitIntent'), type: 'X'.repeat(4.5 * MiB) };
    const ack = await js.publish(target.subject, utf8(JSON.stringify(envelope)), { msgID: envelope.id as string });
    const [stored] = await waitFor(() => collector.lettersFor(target.subject, ack.seq), (found) => found.length === 1, { what: 'the dead letter of the long-typed message' });
    expect(stored.letter.payload).toMatchObject({ reason: 'invalid-message', deliveries: 1 });
  });

  // GAP (minor): the dead letter keeps the original as UTF-8 text, so bytes that are not UTF-8 are
  // replaced by U+FFFD and the parked message cannot be re-published byte for byte.
  it.skip('keeps a non-UTF-8 original byte for byte', async () => {
    const target = targets.find((t) => t.type === 'SubmitIntent')!;
    const bytes = Uint8Array.from([0xff, 0xfe, 0x7b, 0x80]);
    const ack = await js.publish(target.subject, bytes, { msgID: newId() });
    const [stored] = await waitFor(() => collector.lettersFor(target.subject, ack.seq), (found) => found.length === 1);
    expect(Buffer.from(stored.letter.payload.original, 'utf8')).toEqual(Buffer.from(bytes));
  });
});
