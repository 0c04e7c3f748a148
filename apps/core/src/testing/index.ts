export * from './core-harness';
export * from './api-client';
export * from './db-access';
