export * from './registry-harness';
export * from './identity-fixtures';
export * from './repeat-until';
