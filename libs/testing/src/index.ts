// Test support that belongs to no service: clients of the Harbor and OCI APIs, rows written straight
// into a test database, real registry clients (skopeo, podman), a webhook receiver and the helpers
// that run the built services as separate processes. Harnesses that start a service in-process
// stay with that service (apps/<service>/src/testing).
export * from './harbor-api';
export * from './db-access';
export * from './registry-rows';
export * from './identity-fixtures';
export * from './repeat-until';
export * from './oci-push';
export * from './oci-layout';
export * from './tar-writer';
export * from './skopeo';
export * from './podman';
export * from './webhook-receiver';
export * from './registry-process';
export * from './jobservice-process';
