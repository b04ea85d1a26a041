export * from './orchestration.decider';
export * from './run-state';
export { runOf, selects, type ControlCommand } from './run-control';
export { agentTarget, stepSpec } from './steps';
export { reportRefusal, usageRefusal, type TaskReport } from './task-reports';
