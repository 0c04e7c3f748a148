import type { CircuitBreaker } from '@wharf/outage';
import type Redis from 'ioredis';

/** What Redis holds for a console session, under its digest (never its id). */
export interface SessionRecord {
  userId: number;
  /** The user's password stamp at login: the session ends when the password changes. */
  passwordStamp: string;
  createdAt: number;
  /** When the session's lifetime was last started again (login, then renewals). */
  renewedAt: number;
}

const PREFIX = 'wharf:session:';

/**
 * A session is renewed once a tenth of its lifetime (at most a minute) has passed since it last
 * was, not on every request: it then ends between `timeoutMs` less that slack and `timeoutMs`
 * after its last use, for one Redis write a minute at most. A session with more time left than
 * the timeout (which was shortened since) is renewed at once, to the new timeout.
 */
export function renewalDue(remainingMs: number, timeoutMs: number): boolean {
  const slack = Math.min(timeoutMs / 10, 60_000);
  return remainingMs < timeoutMs - slack || remainingMs > timeoutMs;
}

function parseRecord(raw: string): SessionRecord | undefined {
  try {
    const { userId, passwordStamp, createdAt, renewedAt } = JSON.parse(raw) as Partial<SessionRecord>;
    if (typeof userId !== 'number' || !Number.isInteger(userId) || typeof passwordStamp !== 'string') return undefined;
    return { userId, passwordStamp, createdAt: Number(createdAt) || 0, renewedAt: Number(renewedAt) || 0 };
  } catch {
    return undefined;
  }
}

/**
 * Console sessions in Redis, so that every core replica serves every session: one key per session
 * with the session's remaining lifetime as its TTL. Every method rejects when Redis cannot be
 * reached (after a failure, for the breaker's interval, without trying).
 */
export class SessionStore {
  constructor(
    private readonly redis: Redis,
    private readonly breaker: CircuitBreaker,
    private readonly prefix = PREFIX,
  ) {}

  async create(digest: string, record: SessionRecord, ttlMs: number): Promise<void> {
    await this.breaker.run(() => this.redis.set(this.key(digest), JSON.stringify(record), 'PX', ttlMs));
  }

  /** The session and the milliseconds it has left, or undefined when there is none (expired, ended). */
  async read(digest: string): Promise<{ record: SessionRecord; remainingMs: number } | undefined> {
    const key = this.key(digest);
    const replies = await this.breaker.run(() => this.redis.multi().get(key).pttl(key).exec());
    const [[getError, raw], [ttlError, ttl]] = replies ?? [[null, null], [null, -2]];
    if (getError) throw getError;
    if (ttlError) throw ttlError;
    const record = typeof raw === 'string' ? parseRecord(raw) : undefined;
    // -1: no expiry, which this store never sets; treated as due for renewal.
    return record && { record, remainingMs: Number(ttl) < 0 ? Number.MAX_SAFE_INTEGER : Number(ttl) };
  }

  /** Starts the session's lifetime again; a session ended meanwhile (logout) stays ended. */
  async renew(digest: string, record: SessionRecord, ttlMs: number): Promise<void> {
    await this.breaker.run(() => this.redis.set(this.key(digest), JSON.stringify(record), 'PX', ttlMs, 'XX'));
  }

  async delete(digest: string): Promise<void> {
    await this.breaker.run(() => this.redis.del(this.key(digest)));
  }

  private key(digest: string): string {
    return `${this.prefix}${digest}`;
  }
}
