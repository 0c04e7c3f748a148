export { freePort, ServerProcess, startWatchdog } from './server-process';
export { answersPing, startPrivateRedis } from './private-redis';
export type { PrivateRedis } from './private-redis';
export { startPrivatePostgres } from './private-postgres';
export type { PrivatePostgres } from './private-postgres';
export { captureOutput, expectLoggedOnce } from './captured-output';
export type { CapturedOutput } from './captured-output';
export { startPrivateDockerd } from './private-dockerd';
export type { PrivateDockerd } from './private-dockerd';
