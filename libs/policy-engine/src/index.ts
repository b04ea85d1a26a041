export * from './bundle';
export * from './evaluate';
