export * from './nats-permissions';
export * from './identity-store';
export * from './claims-update';
export * from './access-tokens';
export * from './access-principals';
