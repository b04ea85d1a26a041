export * from './logger';
export * from './service-context';
export * from './start-service';
