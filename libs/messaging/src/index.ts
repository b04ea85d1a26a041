export * from './connection';
export * from './dead-letter';
export * from './log';
export * from './publisher';
export * from './topology';
export * from './worker';
export * from './responder';
