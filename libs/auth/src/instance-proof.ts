import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

/**
 * Proof that an answer comes from the services of one installation and not from whatever else
 * took their port: the caller sends a fresh random challenge in INSTANCE_CHALLENGE_HEADER, and a
 * service started with the installation's instance key answers with an HMAC of it in
 * INSTANCE_PROOF_HEADER. Anyone may ask, since the proof of one challenge tells nothing about
 * another and the key signs nothing else.
 */
export const INSTANCE_CHALLENGE_HEADER = 'x-wharf-challenge';
export const INSTANCE_PROOF_HEADER = 'x-wharf-proof';

/** Long enough to be unguessable, short and plain enough to be harmless in a header. */
const CHALLENGE = /^[A-Za-z0-9_-]{16,128}$/;

export function newInstanceChallenge(): string {
  return randomBytes(24).toString('base64url');
}

/** The proof to answer with; undefined without a key or a well-formed challenge. */
export function instanceProof(key: string | undefined, challenge: unknown): string | undefined {
  if (!key || typeof challenge !== 'string' || !CHALLENGE.test(challenge)) return undefined;
  return createHmac('sha256', key).update(`wharf-instance-proof:${challenge}`).digest('base64url');
}

/** Whether `proof` (a response header's value) answers `challenge` under `key`. */
export function instanceProofValid(key: string, challenge: string, proof: unknown): boolean {
  const expected = instanceProof(key, challenge);
  if (expected === undefined || typeof proof !== 'string') return false;
  const given = Buffer.from(proof);
  return given.length === expected.length && timingSafeEqual(given, Buffer.from(expected));
}
