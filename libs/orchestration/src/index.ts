export * from './orchestration.decider';
export * from './run-state';
export { stepSpec } from './steps';
export { reportRefusal, usageRefusal, type TaskReport } from './task-reports';
