import { createHash, randomBytes, randomInt, timingSafeEqual } from 'node:crypto';
import bcrypt from 'bcryptjs';

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

export function hashPassword(password: string): Promise<string> {
  return bcrypt.hash(password, BCRYPT_COST);
}

// A real hash of a random password: checking against it costs what a real check costs, so an
// unknown user name takes as long to refuse as a wrong password.
let decoy: Promise<string> | undefined;

/** Checks `password` against a bcrypt hash in constant time; a missing hash still costs a check. */
export async function verifyPassword(password: string, hash: string | null | undefined): Promise<boolean> {
  if (!hash) {
    decoy ??= bcrypt.hash(randomBytes(16).toString('hex'), BCRYPT_COST);
    await bcrypt.compare(password, await decoy);
    return false;
  }
  try {
    return await bcrypt.compare(password, hash);
  } catch {
    return false;
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
