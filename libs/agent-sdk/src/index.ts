export * from './define-agent';
export * from './run-agent';
export * from './agent-settings';
export * from './screening';
export * from './memory-client';
export * from './llm';
export * from './call-record';
export { STEP_LEDGER_BUCKET } from './step-ledger';
export * from './injection-judge';
