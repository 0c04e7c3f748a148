/** DI tokens for infrastructure that is not a Nest class. */
export const SQL = Symbol('SQL');
export const STORAGE = Symbol('STORAGE');
export const REDIS = Symbol('REDIS');
export const CONFIG = Symbol('CONFIG');
/** The pg pool behind SQL, ended when the application closes. */
export const DB_POOL = Symbol('DB_POOL');
