/** DI tokens for infrastructure that is not a Nest class. */
export const SQL = Symbol('SQL');
export const STORAGE = Symbol('STORAGE');
export const REDIS = Symbol('REDIS');
export const CONFIG = Symbol('CONFIG');
export const DATA_SOURCE = Symbol('DATA_SOURCE');
