export * from './orchestration.decider';
export * from './run-state';
export { approvalState, type CallApproval } from './call-approvals';
export { runOf, selects, type ControlCommand } from './run-control';
export { agentTarget, awaitsVerdict, stepSpec } from './steps';
export { handedRunOf, labelsHandedTo, reportRefusal, usageRefusal, type HandedRun, type RunAssignments, type TaskReport } from './task-reports';
export * from './schedule.decider';
export { partitionOf } from './partitions';
export { InputSchemaChecks, MAX_INPUT_PROBLEMS } from './input-schemas';
