import { createHmac, randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { loadOrCreateSigningKey } from '@wharf/auth';
import type { Layout } from './layout';

export interface Secrets {
  databasePassword: string;
  internalSecret: string;
}

/** Reads a secret file, creating it (0600, directory 0700) with a random value the first time. */
export function readOrCreateSecret(path: string, bytes = 24): string {
  mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
  if (!existsSync(path)) {
    // base64url keeps the value safe inside URLs (DATABASE_URL) without escaping.
    // 'wx' refuses to overwrite one that appeared meanwhile.
    try {
      writeFileSync(path, randomBytes(bytes).toString('base64url') + '\n', { mode: 0o600, flag: 'wx' });
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
  }
  const value = readFileSync(path, 'utf8').trim();
  if (!value) throw new Error(`secret file ${path} is empty; remove it to have a new one generated`);
  return value;
}

/** Every secret of the installation; created on the first run, read unchanged on later ones. */
export async function ensureSecrets(layout: Layout): Promise<Secrets> {
  mkdirSync(layout.secretDir, { recursive: true, mode: 0o700 });
  chmodSync(layout.secretDir, 0o700);
  const databasePassword = readOrCreateSecret(layout.databasePasswordFile);
  const internalSecret = readOrCreateSecret(layout.internalSecretFile, 32);
  await loadOrCreateSigningKey(layout.signingKeyFile);
  chmodSync(dirname(layout.signingKeyFile), 0o700);
  return { databasePassword, internalSecret };
}

/**
 * The key core and the registry prove their identity with (INSTANCE_KEY, @wharf/auth's instance
 * proof): derived from the internal secret, so that it stays the same across runs while the
 * secret itself is handed to no service.
 */
export function instanceKey(secrets: Secrets): string {
  return createHmac('sha256', secrets.internalSecret).update('wharf instance key').digest('base64url');
}
