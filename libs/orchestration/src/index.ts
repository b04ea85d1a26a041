export * from './intent.decider';
