/**
 * Per-process cache of database answers about one repository (tag -> manifest, blob links).
 * Each entry remembers the repository's shared version (a counter writers bump after they
 * commit and before they reply) and is served only while that version is current: a read that
 * starts after a client saw a write's response never gets an older answer, whichever process
 * serves it. Local invalidation (on notifications) drops entries early; a read that started
 * before an invalidation must not store its possibly stale answer afterwards, so `begin()` hands
 * out the current generation and `set()` ignores answers from an older one. Entries also expire.
 */
/** Shared versions are decimal counters: the empty string is never one. */
const UNVERSIONED = '';

export class ResolutionCache<V> {
  private readonly repos = new Map<string, Map<string, { value: V; expires: number; version: string }>>();
  private generation = 0;
  private entries = 0;
  private enabled = true;

  constructor(
    private readonly ttlMs: number,
    private readonly maxEntries: number,
  ) {}

  begin(): number {
    return this.generation;
  }

  get(repository: string, key: string, version: string): V | undefined {
    if (!this.enabled) return undefined;
    const entry = this.repos.get(repository)?.get(key);
    if (!entry) return undefined;
    const expired = entry.expires < Date.now();
    // A mark is never an answer; it stays until an answer replaces it or it expires.
    const stale = entry.version === UNVERSIONED ? expired : expired || entry.version !== version;
    if (stale) {
      this.repos.get(repository)?.delete(key);
      this.entries--;
    }
    return stale || entry.version === UNVERSIONED ? undefined : entry.value;
  }

  /** Whether anything (an answer or a mark) is remembered for the key. */
  has(repository: string, key: string): boolean {
    return this.enabled && this.repos.get(repository)?.has(key) === true;
  }

  /**
   * Remembers that the key was found, without an answer: the next lookup then reads the shared
   * version and caches what it loads. The mark's version matches no shared version, so `get`
   * never serves it.
   */
  mark(repository: string, key: string, generation: number): void {
    this.set(repository, key, undefined as V, generation, UNVERSIONED);
  }

  set(repository: string, key: string, value: V, generation: number, version: string): void {
    if (!this.enabled || generation !== this.generation) return;
    if (this.entries >= this.maxEntries) this.clear();
    let repo = this.repos.get(repository);
    if (!repo) this.repos.set(repository, (repo = new Map()));
    if (!repo.has(key)) this.entries++;
    repo.set(key, { value, expires: Date.now() + this.ttlMs, version });
  }

  invalidate(repository: string): void {
    this.generation++;
    const repo = this.repos.get(repository);
    if (repo) {
      this.entries -= repo.size;
      this.repos.delete(repository);
    }
  }

  clear(): void {
    this.generation++;
    this.repos.clear();
    this.entries = 0;
  }

  /** While the invalidation feed is down nothing may be served from or stored in the cache. */
  setEnabled(enabled: boolean): void {
    this.clear();
    this.enabled = enabled;
  }

  get size(): number {
    return this.entries;
  }
}
