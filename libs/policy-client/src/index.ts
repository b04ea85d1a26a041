export * from './check-policy';
