export * from './nats-server';
export * from './wait-for';
export * from './stream-reader';
