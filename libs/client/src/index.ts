export * from './agentos-client';
export * from './watch';
