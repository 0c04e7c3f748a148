export * from './rbac';
export * from './password';
export * from './scope';
export * from './token';
export * from './signing-key';
export * from './bcrypt-pool';
export * from './ttl-cache';
export * from './instance-proof';
