export * from './logger';
export * from './service-context';
export * from './start-service';
export * from './readiness';
export * from './service-settings';
