export * from './nats-server';
export * from './nats-cluster';
export * from './wait-for';
export * from './hostile-input';
export * from './stream-reader';
export * from './answering-after';
