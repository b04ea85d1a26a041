export * from './define-agent';
export * from './run-agent';
