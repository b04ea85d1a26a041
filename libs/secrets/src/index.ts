export * from './secret-store';
export * from './env-secret-store';
export * from './secrets-key';
export * from './encrypted-file-secret-store';
export * from './secret-store-from-env';
export * from './redactor';
export * from './secrets-file-tool';
