import { instanceProof, instanceProofValid, newInstanceChallenge } from './instance-proof';

describe('instance proof', () => {
  const key = 'k'.repeat(43);

  it('answers a fresh challenge in a way only the same key verifies', () => {
    const challenge = newInstanceChallenge();
    const proof = instanceProof(key, challenge);
    expect(instanceProofValid(key, challenge, proof)).toBe(true);
    expect(instanceProofValid('other-key-of-another-installation', challenge, proof)).toBe(false);
    // A proof seen for one challenge does not answer the next.
    expect(instanceProofValid(key, newInstanceChallenge(), proof)).toBe(false);
    expect(proof).not.toContain(key);
  });

  it('answers nothing without a key or a well-formed challenge', () => {
    expect(instanceProof(undefined, newInstanceChallenge())).toBeUndefined();
    expect(instanceProof('', newInstanceChallenge())).toBeUndefined();
    for (const bad of [undefined, ['a'.repeat(20)], 'short', 'x'.repeat(129), 'has spaces in it.....', 'a'.repeat(20) + '\r\nSet-Cookie: x']) {
      expect(instanceProof(key, bad)).toBeUndefined();
    }
  });

  it('refuses missing, wrong and differently sized proofs', () => {
    const challenge = newInstanceChallenge();
    expect(instanceProofValid(key, challenge, undefined)).toBe(false);
    expect(instanceProofValid(key, challenge, ['x'])).toBe(false);
    expect(instanceProofValid(key, challenge, 'Pong')).toBe(false);
    expect(instanceProofValid(key, challenge, `${instanceProof(key, challenge)}=`)).toBe(false);
  });
});
