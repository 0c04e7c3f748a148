export * from './rbac';
export * from './password';
export * from './scope';
export * from './token';
export * from './instance-proof';
