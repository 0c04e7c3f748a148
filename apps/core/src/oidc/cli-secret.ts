import { randomInt } from 'node:crypto';
import { passwordProblem } from '@wharf/auth';

/** Harbor's message for a secret (or password) that breaks the rules. */
export const CLI_SECRET_RULES = 'the password or secret must be 8-128, inclusively, characters long with at least 1 uppercase letter, 1 lowercase letter and 1 number';

/** Harbor's requireValidSecret, the rule of passwords: 8 to 128 characters with an upper-case and a lower-case letter and a digit. */
export function cliSecretValid(secret: string): boolean {
  return passwordProblem(secret) === undefined;
}

const ALPHABET = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';

/** A random secret that keeps the rules (32 characters, as Harbor's onboarding secret). */
export function randomCliSecret(length = 32): string {
  for (;;) {
    let secret = '';
    for (let i = 0; i < length; i++) secret += ALPHABET[randomInt(ALPHABET.length)];
    if (cliSecretValid(secret)) return secret;
  }
}

const API = '/api/v2.0';
const REPOSITORIES = /^\/api\/v2\.0\/projects\/.*\/repositories$/;
const ARTIFACTS = /^\/api\/v2\.0\/projects\/.*\/repositories\/.*\/artifacts$/;
const TAG = /^\/api\/v2\.0\/projects\/.*\/repositories\/.*\/artifacts\/.*\/tags\/.*$/;

/**
 * Where a CLI secret stands in for a password (Harbor's oidc_cli middleware): the token service
 * and the registry, plus the few API calls command-line clients and replication make (list and
 * create projects, system info, labels, list repositories and artifacts, delete a tag). Elsewhere
 * an OIDC user presents an ID token or a console session.
 */
export function cliSecretAccepted(method: string, url: string): boolean {
  const path = url.split('?')[0].replace(/\/+$/, '');
  if (path === '/service/token' || path.startsWith('/v2')) return true;
  const verb = method.toUpperCase();
  if (verb === 'POST' && path === `${API}/projects`) return true;
  if (verb === 'GET' && [`${API}/projects`, `${API}/systeminfo`, '/api/version', `${API}/labels`].includes(path)) return true;
  if (verb === 'GET' && (REPOSITORIES.test(path) || ARTIFACTS.test(path))) return true;
  return verb === 'DELETE' && TAG.test(path);
}
