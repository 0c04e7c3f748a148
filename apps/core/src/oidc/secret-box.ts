import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import type { Sql } from '@wharf/db';
import { SharedKey } from '../infra/shared-key';
import { SQL } from '../infra/tokens';

/** The row of table `registry_secret` (migration 0025) that keys the encryption. */
const OIDC_SECRET_NAME = 'oidc_secret';

/** The format's version, so that another cipher can be told apart later. */
const VERSION = 'v1';

/**
 * Encrypts what the database keeps of OIDC users that must be read back (CLI secrets, the
 * provider's refresh and ID tokens): AES-256-GCM under a key every core replica reads from
 * `registry_secret`, as the console's CSRF key is kept. A copy of the oidc_user table without that
 * row (an export, a row copied to another installation) opens nothing, and a changed ciphertext
 * fails its tag; a dump of the whole database holds the key as well.
 */
export class SecretBox {
  constructor(private readonly key: Buffer) {}

  seal(plain: string): string {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.key, iv);
    const body = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
    return `${VERSION}:${Buffer.concat([iv, cipher.getAuthTag(), body]).toString('base64')}`;
  }

  /** The plain text, or throws when the value was not sealed with this key (or was changed). */
  open(sealed: string): string {
    const [version, data] = sealed.split(':', 2);
    if (version !== VERSION || data === undefined) throw new Error('not a sealed value');
    const raw = Buffer.from(data, 'base64');
    if (raw.length < 28) throw new Error('not a sealed value');
    const decipher = createDecipheriv('aes-256-gcm', this.key, raw.subarray(0, 12));
    decipher.setAuthTag(raw.subarray(12, 28));
    return Buffer.concat([decipher.update(raw.subarray(28)), decipher.final()]).toString('utf8');
  }
}

/** The installation's SecretBox, under the shared `oidc_secret` key. */
@Injectable()
export class OidcSecrets {
  private readonly key: SharedKey;

  constructor(@Inject(SQL) sql: Sql) {
    this.key = new SharedKey(sql, OIDC_SECRET_NAME);
  }

  async seal(plain: string): Promise<string> {
    return (await this.secretBox()).seal(plain);
  }

  async open(sealed: string): Promise<string> {
    return (await this.secretBox()).open(sealed);
  }

  private async secretBox(): Promise<SecretBox> {
    // Whatever the stored length, AES-256 takes 32 bytes.
    return new SecretBox(createHash('sha256').update(await this.key.get()).digest());
  }
}
