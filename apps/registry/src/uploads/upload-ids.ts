import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { Inject, Injectable, OnModuleInit } from '@nestjs/common';
import { OciError } from '@wharf/oci';
import type { Sql } from '@wharf/db/plain';
import type { RegistryConfig } from '../config';
import { CONFIG, SQL } from '../infra/tokens';

/**
 * Upload session ids. POST records nothing: it hands out an id that carries the time it was issued
 * and a MAC over that time, a random part and the repository, keyed by a secret all registry
 * processes share (table `registry_secret`). The session's row appears with its first write, and
 * closing a session records the id in `upload_closed` so that it cannot be used again.
 *
 * Layout, 52 lowercase hex digits: 12 of issue time (ms since the epoch), 16 random, 24 of MAC.
 * Ids issued before signed ids existed are UUIDs; they are sessions only while their row exists.
 */
const SIGNED_ID = /^[0-9a-f]{52}$/;
const LEGACY_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const MAC_HEX = 24;
/** Replicas' clocks differ a little: an id from slightly in the future is still ours. */
const CLOCK_SKEW_MS = 5 * 60_000;
export const UPLOAD_SECRET_NAME = 'upload_session';

export type UploadIdKind = 'signed' | 'legacy';

/** Shaped like a signed id (says nothing about its MAC): only such ids are recorded when closed. */
export function isSignedUploadId(id: string): boolean {
  return SIGNED_ID.test(id);
}

function mac(key: Buffer, repository: string, head: string): string {
  return createHmac('sha256', key).update(`${head}\n${repository}`).digest('hex').slice(0, MAC_HEX);
}

export function signUploadId(key: Buffer, repository: string, nowMs: number, random: Buffer = randomBytes(8)): string {
  const head = nowMs.toString(16).padStart(12, '0') + random.toString('hex');
  return head + mac(key, repository, head);
}

/**
 * What `id` is for `repository` at `nowMs`: a signed id this registry issued for that repository
 * within `maxAgeMs`, a legacy (row-backed) id, or a reason it names no session.
 */
export function classifyUploadId(key: Buffer, repository: string, id: string, nowMs: number, maxAgeMs: number): UploadIdKind | { invalid: string } {
  if (LEGACY_ID.test(id)) return 'legacy';
  if (!isSignedUploadId(id)) return { invalid: 'not an upload id' };
  const head = id.slice(0, id.length - MAC_HEX);
  const expected = Buffer.from(mac(key, repository, head), 'hex');
  if (!timingSafeEqual(expected, Buffer.from(id.slice(head.length), 'hex'))) return { invalid: 'not issued for this repository' };
  const issued = parseInt(id.slice(0, 12), 16);
  if (issued > nowMs + CLOCK_SKEW_MS) return { invalid: 'issued in the future' };
  if (nowMs - issued > maxAgeMs) return { invalid: 'expired' };
  return 'signed';
}

@Injectable()
export class UploadIds implements OnModuleInit {
  private key: Buffer | undefined;
  private readonly maxAgeMs: number;

  constructor(
    @Inject(SQL) private readonly sql: Sql,
    @Inject(CONFIG) config: RegistryConfig,
  ) {
    this.maxAgeMs = config.uploadMaxAgeMs;
  }

  /** Reads the shared key, which migration 0012 created. */
  async onModuleInit(): Promise<void> {
    const row = await this.sql.one<{ value: Buffer }>('SELECT value FROM registry_secret WHERE name = $1', [UPLOAD_SECRET_NAME]);
    if (!row || row.value.length < 16) throw new Error('registry_secret holds no usable upload_session key');
    this.key = row.value;
  }

  issue(repository: string): string {
    return signUploadId(this.secret(), repository, Date.now());
  }

  /** The kind of a session id the client presents; BLOB_UPLOAD_UNKNOWN when it names no session of `repository`. */
  check(repository: string, id: string): UploadIdKind {
    const kind = classifyUploadId(this.secret(), repository, id, Date.now(), this.maxAgeMs);
    if (typeof kind === 'string') return kind;
    throw new OciError('BLOB_UPLOAD_UNKNOWN', `upload ${id.slice(0, 64)} is unknown (${kind.invalid})`);
  }

  private secret(): Buffer {
    if (!this.key) throw new Error('upload ids used before the registry finished starting');
    return this.key;
  }
}
