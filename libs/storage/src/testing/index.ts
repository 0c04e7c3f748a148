export { runDriverSuite } from './driver-suite';
export type { DriverFactory } from './driver-suite';
