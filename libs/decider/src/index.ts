export * from './decider';
export * from './record';
export * from './run-decision';
