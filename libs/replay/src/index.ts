export * from './re-execute';
export * from './report';
export * from './state-at';
export * from './timeline';
export * from './what-if';
export * from './lineage';
export * from './re-execute-agents';
export * from './replay-context';
