export * from './memory-as-of';
