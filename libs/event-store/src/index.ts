export * from './in-memory.event-store';
export * from './jetstream.event-store';
export * from './port';
