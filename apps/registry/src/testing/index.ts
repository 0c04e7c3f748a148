export * from './registry-harness';
// The service-independent helpers, so that the registry's tests find everything in one place; here
// `errorCode` reads an OCI error body.
export * from '@wharf/testing';
export { ociErrorCode as errorCode } from '@wharf/testing';
