export * from './core-harness';
export * from './api-client';
export * from './db-access';
export * from '../oidc/testing/test-provider';
export * from '../oidc/testing/oidc-browser';
