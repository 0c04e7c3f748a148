export * from './harbor-config';
export * from './config-problem';
export * from './load-harbor-config';
export { parseRotateSize } from './rotate-size';
export { hostProblem } from './host-name';
export { parseTrustedProxies } from './trusted-proxies';
export { EnvError, envInt, envOneOf, envText, envUrl } from './env';
