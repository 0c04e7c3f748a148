import { createHash, createHmac, randomBytes, randomInt, timingSafeEqual } from 'node:crypto';
import { BcryptPool } from './bcrypt-pool';
import { TtlCache } from './ttl-cache';

/** bcrypt cost: ~50-100 ms per check here, slow enough against offline guessing. */
export const BCRYPT_COST = 10;

/**
 * Harbor's password rule: 8 to 128 characters with at least one upper-case letter, one
 * lower-case letter and one digit. Returns why a password fails, or undefined when it passes.
 */
export function passwordProblem(password: string): string | undefined {
  if (typeof password !== 'string') return 'the password must be a string';
  if (password.length < 8 || password.length > 128) return 'the password must be 8 to 128 characters long';
  if (!/[A-Z]/.test(password)) return 'the password must contain at least one upper-case letter';
  if (!/[a-z]/.test(password)) return 'the password must contain at least one lower-case letter';
  if (!/[0-9]/.test(password)) return 'the password must contain at least one digit';
  return undefined;
}

// Every bcrypt call of the process runs on these threads, never on the event loop.
let pool: BcryptPool | undefined;
const bcrypt = (): BcryptPool => (pool ??= new BcryptPool());

export async function hashPassword(password: string): Promise<string> {
  return (await bcrypt().run({ op: 'hash', password, cost: BCRYPT_COST })) as string;
}

// A real hash of a random password: checking against it costs what a real check costs, so an
// unknown user name takes as long to refuse as a wrong password.
let decoy: Promise<string> | undefined;

/** Checks `password` against a bcrypt hash in constant time; a missing hash still costs a check. */
export async function verifyPassword(password: string, hash: string | null | undefined): Promise<boolean> {
  if (!hash) {
    if (!decoy) {
      decoy = hashPassword(randomBytes(16).toString('hex'));
      decoy.catch(() => (decoy = undefined));
    }
    await bcrypt().run({ op: 'compare', password, hash: await decoy });
    return false;
  }
  try {
    return (await bcrypt().run({ op: 'compare', password, hash })) === true;
  } catch {
    return false;
  }
}

/**
 * Remembers which password matched which hash, so that a client sending the same credentials with
 * every request (docker asks the token service before each push and pull) costs one bcrypt check
 * rather than one each time. An entry is an HMAC of the hash and the password under a key that
 * exists only in this process's memory: neither the password nor anything checkable without that
 * key is kept. The hash is part of the entry, so a new password or robot secret needs no
 * invalidation anywhere (the old entry never matches the new hash), provided callers pass the hash
 * they have just read. Only matches are remembered; wrong passwords always cost a full check.
 */
export class VerifiedPasswords {
  private readonly key = randomBytes(32);
  private readonly matches: TtlCache<string, true>;
  /** Concurrent checks of the same pair (a client's parallel requests) share one bcrypt run. */
  private readonly checking = new Map<string, Promise<boolean>>();

  constructor(
    ttlMs = 15 * 60_000,
    maxEntries = 10_000,
    private readonly check: (password: string, hash: string) => Promise<boolean> = verifyPassword,
  ) {
    this.matches = new TtlCache(ttlMs, maxEntries);
  }

  verify(password: string, hash: string | null | undefined): Promise<boolean> {
    if (!hash) return verifyPassword(password, hash);
    const id = createHmac('sha256', this.key).update(hash).update('\u0000').update(password).digest('base64');
    if (this.matches.get(id)) return Promise.resolve(true);
    let pending = this.checking.get(id);
    if (!pending) {
      pending = this.check(password, hash).then((ok) => {
        if (ok) this.matches.set(id, true);
        return ok;
      });
      this.checking.set(id, pending);
      pending.finally(() => this.checking.delete(id)).catch(() => undefined);
    }
    return pending;
  }
}

/** Compares two secrets without revealing, through timing, where they first differ. */
export function safeEqual(a: string, b: string): boolean {
  // Hashing first gives equal lengths, which timingSafeEqual requires, and hides the length.
  const x = createHash('sha256').update(a).digest();
  const y = createHash('sha256').update(b).digest();
  return timingSafeEqual(x, y);
}

const UPPER = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ';
const LOWER = 'abcdefghijklmnopqrstuvwxyz';
const DIGITS = '0123456789';

/**
 * A robot secret: 32 random characters that also satisfy the password rule (robots log in with
 * `docker login` like users, and Harbor lets operators set secrets under the same rule).
 */
export function generateSecret(length = 32): string {
  const all = UPPER + LOWER + DIGITS;
  const chars = [UPPER[randomInt(UPPER.length)], LOWER[randomInt(LOWER.length)], DIGITS[randomInt(DIGITS.length)]];
  while (chars.length < length) chars.push(all[randomInt(all.length)]);
  for (let i = chars.length - 1; i > 0; i--) {
    const j = randomInt(i + 1);
    [chars[i], chars[j]] = [chars[j], chars[i]];
  }
  return chars.join('');
}
