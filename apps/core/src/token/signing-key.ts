/** DI token of the key that signs registry tokens (a private `KeyObject`). */
export const SIGNING_KEY = Symbol('SIGNING_KEY');
