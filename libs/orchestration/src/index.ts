export * from './orchestration.decider';
export * from './run-state';
export { stepSpec } from './steps';
export { reportRefusal, usageRefusal, type RunAssignments, type TaskReport } from './task-reports';
