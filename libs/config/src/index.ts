export * from './parse-settings';
export * from './setting-types';
export * from './since';
