import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface TlsFixtures {
  dir: string;
  /** Self-signed for reg.example.com, valid 30 days from now, with its key. */
  certificate: string;
  privateKey: string;
  /** A key that belongs to no certificate here. */
  otherKey: string;
  /** `privateKey` encrypted with a passphrase. */
  encryptedKey: string;
  remove(): void;
}

/** Real certificate files from openssl, in a temporary directory. */
export function createTlsFixtures(): TlsFixtures {
  const dir = mkdtempSync(join(tmpdir(), 'wharf-config-tls-'));
  const file = (name: string) => join(dir, name);
  const openssl = (...args: string[]) => execFileSync('openssl', args, { stdio: 'pipe' });
  openssl(
    'req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes',
    '-keyout', file('server.key'), '-out', file('server.crt'), '-days', '30',
    '-subj', '/CN=reg.example.com', '-addext', 'subjectAltName=DNS:reg.example.com',
  );
  openssl('genpkey', '-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-256', '-out', file('other.key'));
  openssl('pkey', '-in', file('server.key'), '-aes256', '-passout', 'pass:secret-Pass1', '-out', file('encrypted.key'));
  return {
    dir,
    certificate: file('server.crt'),
    privateKey: file('server.key'),
    otherKey: file('other.key'),
    encryptedKey: file('encrypted.key'),
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
}
