import { createPublicKey, KeyObject } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { RegistryAuthConfig } from '../config';

type TokenAuth = Extract<RegistryAuthConfig, { mode: 'token' }>;

/**
 * The public key that registry tokens are checked against: `TOKEN_PUBLIC_KEY` when set, else the
 * public half of the signer's own key (`TOKEN_PRIVATE_KEY`, shared with core through the data
 * directory). Synchronous and Nest-free, so that the cluster primary can refuse to start early.
 */
export function loadVerificationKey(auth: TokenAuth): KeyObject {
  const [path, variable] = auth.publicKeyPath ? [auth.publicKeyPath, 'TOKEN_PUBLIC_KEY'] : [auth.privateKeyPath, 'TOKEN_PRIVATE_KEY'];
  let pem: string;
  try {
    pem = readFileSync(path, 'utf8');
  } catch (err) {
    throw new Error(
      `REGISTRY_AUTH=token needs the token signer's key, but ${variable} (${path}) cannot be read: ${(err as Error).message}. ` +
        'Start core first (it creates the key), set TOKEN_PUBLIC_KEY to its public key or TOKEN_PRIVATE_KEY to its private key, ' +
        'or set REGISTRY_AUTH=none for an open registry.',
    );
  }
  try {
    // createPublicKey accepts a public key or derives one from a private key.
    const key = createPublicKey(pem);
    if (key.asymmetricKeyType !== 'rsa') throw new Error(`an ${key.asymmetricKeyType} key, tokens are RS256`);
    return key;
  } catch (err) {
    throw new Error(`${variable} (${path}) does not hold a usable RSA key in PEM form: ${(err as Error).message}`);
  }
}
