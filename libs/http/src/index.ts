export { DRAIN_LIMITS, drainUnreadBodies, drainUnreadBody, type DrainLimits } from './unread-body';
