export * from './bundle';
export * from './evaluate';
export * from './rate-limit';
export * from './budget';
export * from './injection';
export * from './features';
export * from './information-flow';
export * from './retention';
