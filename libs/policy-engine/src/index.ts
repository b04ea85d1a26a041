export * from './bundle';
export * from './evaluate';
export * from './rate-limit';
export * from './budget';
