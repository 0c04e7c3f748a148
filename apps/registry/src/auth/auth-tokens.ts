/** DI tokens of the token-mode authorizer's collaborators. */
export const VERIFICATION_KEY = Symbol('VERIFICATION_KEY');
export const IDENTITY = Symbol('IDENTITY');
export const LOGIN_THROTTLE = Symbol('LOGIN_THROTTLE');
