export * from './registry-harness';
// The service-independent helpers, so that the registry's tests find everything in one place; here
// `errorCode` reads an OCI error body (Harbor's is `harborErrorCode`).
export * from '@wharf/testing';
export { errorCode as harborErrorCode, ociErrorCode as errorCode } from '@wharf/testing';
