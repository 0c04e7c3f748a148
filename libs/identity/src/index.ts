export * from './identity.store';
export * from './login-throttle';
export * from './robot-name';
