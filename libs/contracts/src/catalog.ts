import type { z } from 'zod';
import * as agent from './messages/agent';
import * as callApproval from './messages/call-approval';
import * as intent from './messages/intent';
import * as memory from './messages/memory';
import * as operations from './messages/operations';
import * as partitions from './messages/partitions';
import * as policy from './messages/policy';
import * as runControl from './messages/run-control';
import * as schedule from './messages/schedule';
import * as task from './messages/task';
import * as workflow from './messages/workflow';

/**
 * The JetStream streams of the system. Every subject a stream-backed message is published on
 * falls under exactly one of these.
 */
export const STREAMS = {
  AGENTOS_COMMANDS: { subjects: ['agentos.cmd.>'], description: 'Imperative requests to a service' },
  AGENTOS_EVENTS: { subjects: ['agentos.evt.>'], description: 'Facts that happened' },
  AGENTOS_TASKS: { subjects: ['agentos.task.>'], description: 'Work handed to agents, a subject per agent' },
  AGENTOS_DEAD_LETTERS: { subjects: ['agentos.dlq.>'], description: 'Messages parked with the reason' },
  AGENTOS_HEARTBEATS: { subjects: ['agentos.hb.>'], description: 'Agent liveness; only the last minute matters', maxAgeMs: 60_000 },
} as const;
export type StreamName = keyof typeof STREAMS;

/**
 * An earlier version of a message that is still read: its schema and the pure function that turns its payload
 * into the next version's. Histories keep the bytes they were recorded with; readers upcast (see upcast.ts).
 */
export interface EarlierVersion {
  schema: z.ZodType;
  upcast: (payload: never) => unknown;
}

interface StreamMessageSpec {
  kind: 'command' | 'event';
  version: number;
  /** Versions before `version` still accepted, by number, each with its upcaster to the next. */
  earlier?: Readonly<Record<number, EarlierVersion>>;
  /** A NATS subject; `{field}` tokens are filled from the payload (see subjectOf). */
  subject: string;
  stream: StreamName;
  schema: z.ZodType;
}

/** Queries use NATS core request/reply: they are answers, not history, so no stream keeps them. */
interface QuerySpec {
  kind: 'query';
  version: number;
  subject: string;
  schema: z.ZodType;
  reply: z.ZodType;
}

export type MessageSpec = StreamMessageSpec | QuerySpec;

/** The one table that maps every message type to its schema, subject and stream. */
export const CATALOG = {
  // intents
  SubmitIntent: { kind: 'command', version: 1, subject: 'agentos.cmd.intent.submit', stream: 'AGENTOS_COMMANDS', schema: intent.SubmitIntent },
  IntentSubmitted: { kind: 'event', version: 1, subject: 'agentos.evt.intent.submitted', stream: 'AGENTOS_EVENTS', schema: intent.IntentSubmitted },
  IntentRejected: { kind: 'event', version: 1, subject: 'agentos.evt.intent.rejected', stream: 'AGENTOS_EVENTS', schema: intent.IntentRejected },
  IntentCompleted: { kind: 'event', version: 1, subject: 'agentos.evt.intent.completed', stream: 'AGENTOS_EVENTS', schema: intent.IntentCompleted },
  IntentFailed: { kind: 'event', version: 1, subject: 'agentos.evt.intent.failed', stream: 'AGENTOS_EVENTS', schema: intent.IntentFailed },
  ApprovalRequested: { kind: 'event', version: 1, subject: 'agentos.evt.intent.approval-requested', stream: 'AGENTOS_EVENTS', schema: intent.ApprovalRequested },
  ApproveIntent: { kind: 'command', version: 1, subject: 'agentos.cmd.intent.approve', stream: 'AGENTOS_COMMANDS', schema: intent.ApproveIntent },
  RejectIntent: { kind: 'command', version: 1, subject: 'agentos.cmd.intent.reject', stream: 'AGENTOS_COMMANDS', schema: intent.RejectIntent },
  IntentApproved: { kind: 'event', version: 1, subject: 'agentos.evt.intent.approved', stream: 'AGENTOS_EVENTS', schema: intent.IntentApproved },
  // approvals of calls inside a run
  CallParked: { kind: 'event', version: 1, subject: 'agentos.evt.call.parked', stream: 'AGENTOS_EVENTS', schema: callApproval.CallParked },
  CallApprovalRequested: { kind: 'event', version: 1, subject: 'agentos.evt.call.approval-requested', stream: 'AGENTOS_EVENTS', schema: callApproval.CallApprovalRequested },
  CallApproved: { kind: 'event', version: 1, subject: 'agentos.evt.call.approved', stream: 'AGENTOS_EVENTS', schema: callApproval.CallApproved },
  CallRejected: { kind: 'event', version: 1, subject: 'agentos.evt.call.rejected', stream: 'AGENTOS_EVENTS', schema: callApproval.CallRejected },
  HandleRunMessage: { kind: 'query', version: 1, subject: 'agentos.query.orchestrator.partition.{partition}', schema: partitions.HandleRunMessage, reply: partitions.RunMessageHandled },
  GetCallApproval: { kind: 'query', version: 1, subject: 'agentos.query.orchestrator.call-approval', schema: callApproval.GetCallApproval, reply: callApproval.CallApprovalState },
  // tasks
  TaskQueued: { kind: 'event', version: 1, subject: 'agentos.evt.task.queued', stream: 'AGENTOS_EVENTS', schema: task.TaskQueued },
  TaskAssigned: { kind: 'event', version: 1, subject: 'agentos.task.{agent}.{instanceId}', stream: 'AGENTOS_TASKS', schema: task.TaskAssigned },
  AssignTask: { kind: 'command', version: 1, subject: 'agentos.cmd.task.assign', stream: 'AGENTOS_COMMANDS', schema: task.AssignTask },
  FireTimer: { kind: 'command', version: 1, subject: 'agentos.cmd.workflow.fire-timer', stream: 'AGENTOS_COMMANDS', schema: task.FireTimer },
  TaskExpired: { kind: 'event', version: 1, subject: 'agentos.evt.task.expired', stream: 'AGENTOS_EVENTS', schema: task.TaskExpired },
  TaskProgressed: { kind: 'event', version: 1, subject: 'agentos.evt.task.progressed', stream: 'AGENTOS_EVENTS', schema: task.TaskProgressed },
  TaskCompleted: {
    kind: 'event',
    version: 2,
    subject: 'agentos.evt.task.completed',
    stream: 'AGENTOS_EVENTS',
    schema: task.TaskCompleted,
    earlier: { 1: { schema: task.TaskCompletedV1, upcast: task.upcastTaskCompletedV1 } },
  },
  TaskFailed: { kind: 'event', version: 1, subject: 'agentos.evt.task.failed', stream: 'AGENTOS_EVENTS', schema: task.TaskFailed },
  // agent lifecycle
  RegisterAgent: { kind: 'command', version: 1, subject: 'agentos.cmd.agent.register', stream: 'AGENTOS_COMMANDS', schema: agent.RegisterAgent },
  AgentRegistered: { kind: 'event', version: 1, subject: 'agentos.evt.agent.registered', stream: 'AGENTOS_EVENTS', schema: agent.AgentRegistered },
  AgentRegistrationRejected: { kind: 'event', version: 1, subject: 'agentos.evt.agent.registration-rejected', stream: 'AGENTOS_EVENTS', schema: agent.AgentRegistrationRejected },
  AgentHeartbeatSent: { kind: 'event', version: 1, subject: 'agentos.hb.{name}', stream: 'AGENTOS_HEARTBEATS', schema: agent.AgentHeartbeatSent },
  DeregisterAgent: { kind: 'command', version: 1, subject: 'agentos.cmd.agent.deregister', stream: 'AGENTOS_COMMANDS', schema: agent.DeregisterAgent },
  AgentInstanceDropped: { kind: 'event', version: 1, subject: 'agentos.evt.agent.instance-dropped', stream: 'AGENTOS_EVENTS', schema: agent.AgentInstanceDropped },
  SpawnAgent: { kind: 'command', version: 1, subject: 'agentos.cmd.agent.spawn', stream: 'AGENTOS_COMMANDS', schema: agent.SpawnAgent },
  TerminateAgent: { kind: 'command', version: 1, subject: 'agentos.cmd.agent.terminate', stream: 'AGENTOS_COMMANDS', schema: agent.TerminateAgent },
  AgentSpawned: { kind: 'event', version: 1, subject: 'agentos.evt.agent.spawned', stream: 'AGENTOS_EVENTS', schema: agent.AgentSpawned },
  AgentExited: { kind: 'event', version: 1, subject: 'agentos.evt.agent.exited', stream: 'AGENTOS_EVENTS', schema: agent.AgentExited },
  AgentTerminated: { kind: 'event', version: 1, subject: 'agentos.evt.agent.terminated', stream: 'AGENTOS_EVENTS', schema: agent.AgentTerminated },
  SpawnAgentRefused: { kind: 'event', version: 1, subject: 'agentos.evt.agent.spawn-refused', stream: 'AGENTOS_EVENTS', schema: agent.SpawnAgentRefused },
  TerminateAgentRefused: { kind: 'event', version: 1, subject: 'agentos.evt.agent.terminate-refused', stream: 'AGENTOS_EVENTS', schema: agent.TerminateAgentRefused },
  CircuitStateChanged: { kind: 'event', version: 1, subject: 'agentos.evt.agent.circuit-changed', stream: 'AGENTOS_EVENTS', schema: agent.CircuitStateChanged },
  GetSchedulerState: { kind: 'query', version: 1, subject: 'agentos.query.orchestrator.scheduler', schema: agent.GetSchedulerState, reply: agent.SchedulerState },
  GetReplicaSchedulerState: { kind: 'query', version: 1, subject: 'agentos.query.orchestrator.replica-scheduler', schema: agent.GetReplicaSchedulerState, reply: agent.SchedulerState },
  FindAgents: { kind: 'query', version: 1, subject: 'agentos.query.registry.find-agents', schema: agent.FindAgents, reply: agent.AgentsFound },
  // workflows
  RunWorkflow: { kind: 'command', version: 1, subject: 'agentos.cmd.workflow.run', stream: 'AGENTOS_COMMANDS', schema: workflow.RunWorkflow },
  WorkflowStarted: { kind: 'event', version: 1, subject: 'agentos.evt.workflow.started', stream: 'AGENTOS_EVENTS', schema: workflow.WorkflowStarted },
  WorkflowRejected: { kind: 'event', version: 1, subject: 'agentos.evt.workflow.rejected', stream: 'AGENTOS_EVENTS', schema: workflow.WorkflowRejected },
  WorkflowCompleted: { kind: 'event', version: 1, subject: 'agentos.evt.workflow.completed', stream: 'AGENTOS_EVENTS', schema: workflow.WorkflowCompleted },
  WorkflowFailed: { kind: 'event', version: 1, subject: 'agentos.evt.workflow.failed', stream: 'AGENTOS_EVENTS', schema: workflow.WorkflowFailed },
  StepCompleted: { kind: 'event', version: 1, subject: 'agentos.evt.step.completed', stream: 'AGENTOS_EVENTS', schema: workflow.StepCompleted },
  StepFailed: { kind: 'event', version: 1, subject: 'agentos.evt.step.failed', stream: 'AGENTOS_EVENTS', schema: workflow.StepFailed },
  StepRetryScheduled: { kind: 'event', version: 1, subject: 'agentos.evt.step.retry-scheduled', stream: 'AGENTOS_EVENTS', schema: workflow.StepRetryScheduled },
  StepSkipped: { kind: 'event', version: 1, subject: 'agentos.evt.step.skipped', stream: 'AGENTOS_EVENTS', schema: workflow.StepSkipped },
  // run control: commands on a run under way (or failed), decided by the orchestrator
  CancelRun: { kind: 'command', version: 1, subject: 'agentos.cmd.run.cancel', stream: 'AGENTOS_COMMANDS', schema: runControl.CancelRun },
  PauseRuns: { kind: 'command', version: 1, subject: 'agentos.cmd.run.pause', stream: 'AGENTOS_COMMANDS', schema: runControl.PauseRuns },
  ResumeRuns: { kind: 'command', version: 1, subject: 'agentos.cmd.run.resume', stream: 'AGENTOS_COMMANDS', schema: runControl.ResumeRuns },
  RetryRun: { kind: 'command', version: 1, subject: 'agentos.cmd.run.retry', stream: 'AGENTOS_COMMANDS', schema: runControl.RetryRun },
  ResetRun: { kind: 'command', version: 1, subject: 'agentos.cmd.run.reset', stream: 'AGENTOS_COMMANDS', schema: runControl.ResetRun },
  RunForked: { kind: 'event', version: 1, subject: 'agentos.evt.run.forked', stream: 'AGENTOS_EVENTS', schema: runControl.RunForked },
  StepReused: { kind: 'event', version: 1, subject: 'agentos.evt.step.reused', stream: 'AGENTOS_EVENTS', schema: runControl.StepReused },
  SignalRun: { kind: 'command', version: 1, subject: 'agentos.cmd.run.signal', stream: 'AGENTOS_COMMANDS', schema: runControl.SignalRun },
  SignalWaitStarted: { kind: 'event', version: 1, subject: 'agentos.evt.run.signal-wait-started', stream: 'AGENTOS_EVENTS', schema: runControl.SignalWaitStarted },
  SignalReceived: { kind: 'event', version: 1, subject: 'agentos.evt.run.signal-received', stream: 'AGENTOS_EVENTS', schema: runControl.SignalReceived },
  RunCancellationStarted: { kind: 'event', version: 1, subject: 'agentos.evt.run.cancellation-started', stream: 'AGENTOS_EVENTS', schema: runControl.RunCancellationStarted },
  RunCancelled: { kind: 'event', version: 1, subject: 'agentos.evt.run.cancelled', stream: 'AGENTOS_EVENTS', schema: runControl.RunCancelled },
  RunPaused: { kind: 'event', version: 1, subject: 'agentos.evt.run.paused', stream: 'AGENTOS_EVENTS', schema: runControl.RunPaused },
  RunResumed: { kind: 'event', version: 1, subject: 'agentos.evt.run.resumed', stream: 'AGENTOS_EVENTS', schema: runControl.RunResumed },
  RunRetried: { kind: 'event', version: 1, subject: 'agentos.evt.run.retried', stream: 'AGENTOS_EVENTS', schema: runControl.RunRetried },
  RunCommandRefused: { kind: 'event', version: 1, subject: 'agentos.evt.run.command-refused', stream: 'AGENTOS_EVENTS', schema: runControl.RunCommandRefused },
  // schedules
  CreateSchedule: { kind: 'command', version: 1, subject: 'agentos.cmd.schedule.create', stream: 'AGENTOS_COMMANDS', schema: schedule.CreateSchedule },
  PauseSchedule: { kind: 'command', version: 1, subject: 'agentos.cmd.schedule.pause', stream: 'AGENTOS_COMMANDS', schema: schedule.PauseSchedule },
  ResumeSchedule: { kind: 'command', version: 1, subject: 'agentos.cmd.schedule.resume', stream: 'AGENTOS_COMMANDS', schema: schedule.ResumeSchedule },
  DeleteSchedule: { kind: 'command', version: 1, subject: 'agentos.cmd.schedule.delete', stream: 'AGENTOS_COMMANDS', schema: schedule.DeleteSchedule },
  TickSchedule: { kind: 'command', version: 1, subject: 'agentos.cmd.schedule.tick', stream: 'AGENTOS_COMMANDS', schema: schedule.TickSchedule },
  ScheduleCreated: { kind: 'event', version: 1, subject: 'agentos.evt.schedule.created', stream: 'AGENTOS_EVENTS', schema: schedule.ScheduleCreated },
  SchedulePaused: { kind: 'event', version: 1, subject: 'agentos.evt.schedule.paused', stream: 'AGENTOS_EVENTS', schema: schedule.SchedulePaused },
  ScheduleResumed: { kind: 'event', version: 1, subject: 'agentos.evt.schedule.resumed', stream: 'AGENTOS_EVENTS', schema: schedule.ScheduleResumed },
  ScheduleDeleted: { kind: 'event', version: 1, subject: 'agentos.evt.schedule.deleted', stream: 'AGENTOS_EVENTS', schema: schedule.ScheduleDeleted },
  ScheduleFired: { kind: 'event', version: 1, subject: 'agentos.evt.schedule.fired', stream: 'AGENTOS_EVENTS', schema: schedule.ScheduleFired },
  ScheduleTicksSkipped: { kind: 'event', version: 1, subject: 'agentos.evt.schedule.ticks-skipped', stream: 'AGENTOS_EVENTS', schema: schedule.ScheduleTicksSkipped },
  ScheduleCommandRefused: { kind: 'event', version: 1, subject: 'agentos.evt.schedule.command-refused', stream: 'AGENTOS_EVENTS', schema: schedule.ScheduleCommandRefused },
  ListSchedules: { kind: 'query', version: 1, subject: 'agentos.query.orchestrator.schedules', schema: schedule.ListSchedules, reply: schedule.ScheduleList },
  // policy and safety
  PolicyCheckRequested: { kind: 'event', version: 1, subject: 'agentos.evt.policy.check-requested', stream: 'AGENTOS_EVENTS', schema: policy.PolicyCheckRequested },
  PolicyDecided: { kind: 'event', version: 1, subject: 'agentos.evt.policy.decided', stream: 'AGENTOS_EVENTS', schema: policy.PolicyDecided },
  ActivateKillSwitch: { kind: 'command', version: 1, subject: 'agentos.cmd.kill-switch.activate', stream: 'AGENTOS_COMMANDS', schema: policy.ActivateKillSwitch },
  KillSwitchActivated: { kind: 'event', version: 1, subject: 'agentos.evt.kill-switch.activated', stream: 'AGENTOS_EVENTS', schema: policy.KillSwitchActivated },
  ReleaseKillSwitch: { kind: 'command', version: 1, subject: 'agentos.cmd.kill-switch.release', stream: 'AGENTOS_COMMANDS', schema: policy.ReleaseKillSwitch },
  KillSwitchReleased: { kind: 'event', version: 1, subject: 'agentos.evt.kill-switch.released', stream: 'AGENTOS_EVENTS', schema: policy.KillSwitchReleased },
  ListKillSwitches: { kind: 'query', version: 1, subject: 'agentos.query.policy.kill-switches', schema: policy.ListKillSwitches, reply: policy.KillSwitchList },
  PublishPolicyBundle: { kind: 'command', version: 1, subject: 'agentos.cmd.policy.publish-bundle', stream: 'AGENTOS_COMMANDS', schema: policy.PublishPolicyBundle },
  PolicyBundlePublished: { kind: 'event', version: 1, subject: 'agentos.evt.policy.bundle-published', stream: 'AGENTOS_EVENTS', schema: policy.PolicyBundlePublished },
  PolicyBundleRejected: { kind: 'event', version: 1, subject: 'agentos.evt.policy.bundle-rejected', stream: 'AGENTOS_EVENTS', schema: policy.PolicyBundleRejected },
  UsageRecorded: { kind: 'event', version: 1, subject: 'agentos.evt.usage.recorded', stream: 'AGENTOS_EVENTS', schema: policy.UsageRecorded },
  BudgetExhausted: { kind: 'event', version: 1, subject: 'agentos.evt.budget.exhausted', stream: 'AGENTOS_EVENTS', schema: policy.BudgetExhausted },
  ScreenContent: { kind: 'query', version: 1, subject: 'agentos.query.policy.screen', schema: policy.ScreenContent, reply: policy.ScreenedContent },
  ScreenInput: { kind: 'query', version: 1, subject: 'agentos.query.policy.screen-input', schema: policy.ScreenInput, reply: policy.ScreenedInput },
  ContentFlagged: { kind: 'event', version: 1, subject: 'agentos.evt.policy.content-flagged', stream: 'AGENTOS_EVENTS', schema: policy.ContentFlagged },
  IsFeatureEnabled: { kind: 'query', version: 1, subject: 'agentos.query.policy.feature', schema: policy.IsFeatureEnabled, reply: policy.FeatureState },
  GetPolicyBundle: { kind: 'query', version: 1, subject: 'agentos.query.policy.bundle', schema: policy.GetPolicyBundle, reply: policy.PolicyBundleInForce },
  CheckPolicy: { kind: 'query', version: 1, subject: 'agentos.query.policy.check', schema: policy.CheckPolicy, reply: policy.PolicyDecided },
  DecidePolicyCheck: { kind: 'query', version: 1, subject: 'agentos.query.policy.decide-check', schema: policy.DecidePolicyCheck, reply: policy.RecordedPolicyDecision },
  // memory: reads and writes are request/reply (a writer needs its compare-and-set answer); the
  // resulting facts are recorded in the event store and published for observers.
  WriteMemory: { kind: 'query', version: 1, subject: 'agentos.query.memory.write', schema: memory.WriteMemory, reply: memory.WriteMemoryResult },
  DeleteMemory: { kind: 'query', version: 1, subject: 'agentos.query.memory.delete', schema: memory.DeleteMemory, reply: memory.MemoryWriteResult },
  GetMemory: { kind: 'query', version: 1, subject: 'agentos.query.memory.get', schema: memory.GetMemory, reply: memory.MemoryValue },
  ListMemory: { kind: 'query', version: 1, subject: 'agentos.query.memory.list', schema: memory.ListMemory, reply: memory.MemoryListing },
  AppendNote: { kind: 'query', version: 1, subject: 'agentos.query.memory.append-note', schema: memory.AppendNote, reply: memory.NoteAppended },
  SearchNotes: { kind: 'query', version: 1, subject: 'agentos.query.memory.search-notes', schema: memory.SearchNotes, reply: memory.NoteHits },
  MemoryWritten: { kind: 'event', version: 1, subject: 'agentos.evt.memory.written', stream: 'AGENTOS_EVENTS', schema: memory.MemoryWritten },
  MemoryDeleted: { kind: 'event', version: 1, subject: 'agentos.evt.memory.deleted', stream: 'AGENTOS_EVENTS', schema: memory.MemoryDeleted },
  NoteAppended: { kind: 'event', version: 1, subject: 'agentos.evt.memory.note-appended', stream: 'AGENTOS_EVENTS', schema: memory.NoteAppended },
  // operations
  RunOwnerChanged: { kind: 'event', version: 1, subject: 'agentos.evt.run.owner-changed', stream: 'AGENTOS_EVENTS', schema: partitions.RunOwnerChanged },
  DecisionInputRecorded: { kind: 'event', version: 1, subject: 'agentos.evt.decision.input-recorded', stream: 'AGENTOS_EVENTS', schema: operations.DecisionInputRecorded },
  StreamHeadsAnchored: { kind: 'event', version: 1, subject: 'agentos.evt.audit.heads-anchored', stream: 'AGENTOS_EVENTS', schema: operations.StreamHeadsAnchored },
  RetentionApplied: { kind: 'event', version: 1, subject: 'agentos.evt.audit.retention-applied', stream: 'AGENTOS_EVENTS', schema: operations.RetentionApplied },
  MessageDeadLettered: { kind: 'event', version: 1, subject: 'agentos.dlq.{service}', stream: 'AGENTOS_DEAD_LETTERS', schema: operations.MessageDeadLettered },
  // Six tokens with the sender's: never matched by a MessageDeadLettered consumer (agentos.dlq.*.*.*).
  RedriveDeadLetter: { kind: 'command', version: 1, subject: 'agentos.dlq.redrive.{letterId}', stream: 'AGENTOS_DEAD_LETTERS', schema: operations.RedriveDeadLetter },
  GetMetrics: { kind: 'query', version: 1, subject: 'agentos.query.observability.metrics', schema: operations.GetMetrics, reply: operations.MetricsSnapshot },
} as const satisfies Record<string, MessageSpec>;

export type Catalog = typeof CATALOG;
export type MessageType = keyof Catalog;
export type QueryType = { [K in MessageType]: Catalog[K]['kind'] extends 'query' ? K : never }[MessageType];
export type StreamMessageType = Exclude<MessageType, QueryType>;

export const isMessageType = (type: string): type is MessageType => Object.prototype.hasOwnProperty.call(CATALOG, type);
