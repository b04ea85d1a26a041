export * from './breaker';
export * from './matching';
export * from './scheduler';
export * from './strategy';
