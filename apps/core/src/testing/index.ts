export * from './core-harness';
export * from '../oidc/testing/test-provider';
export * from '../oidc/testing/oidc-browser';
// The service-independent helpers, so that core's tests find everything in one place.
export * from '@wharf/testing';
