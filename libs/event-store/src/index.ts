export * from './hash-chain';
export * from './in-memory.event-store';
export * from './jetstream.event-store';
export * from './port';
export * from './read-options';
export * from './projection';
export * from './from-env';
export * from './eventstoredb.event-store';
