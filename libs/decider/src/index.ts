export * from './decider';
export * from './run-decision';
