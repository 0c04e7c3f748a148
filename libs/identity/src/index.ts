export * from './auth-backend-error';
export * from './identity.store';
export * from './ldap';
export * from './login-throttle';
export * from './robot-name';
export * from './auth-mode-identity';
export * from './robot-permissions';
export * from './settings';
