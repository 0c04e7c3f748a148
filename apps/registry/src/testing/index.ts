export * from './registry-harness';
export * from './identity-fixtures';
