/** DI tokens of core's shared infrastructure (provided by the global InfraModule). */
export const CORE_CONFIG = Symbol('CORE_CONFIG');
export const SQL = Symbol('SQL');
export const DATA_SOURCE = Symbol('DATA_SOURCE');
export const REDIS = Symbol('REDIS');
/** An `IdentityStore` of @wharf/identity. */
export const IDENTITY = Symbol('IDENTITY');
/** A `LoginThrottle` of @wharf/identity. */
export const LOGIN_THROTTLE = Symbol('LOGIN_THROTTLE');
