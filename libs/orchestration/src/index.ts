export * from './orchestration.decider';
export * from './run-state';
export { stepSpec } from './steps';
