export * from './supervisor';
export * from './templates';
