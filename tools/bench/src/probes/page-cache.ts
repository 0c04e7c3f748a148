import { writeFileSync } from 'node:fs';

/**
 * The kernel state each measurement starts from. On the VM this bench was run on, three chunked
 * 256 MB pushes cost Wharf 2.4-3.0 s of system time once several GB of earlier pushes sat in the
 * page cache (clean, after sync), and 0.6-0.9 s right after dropping them. As the
 * targets take turns, the one measured later would pay for what the others wrote before it, so by
 * default every measurement starts with the clean page cache dropped (root only). Pulls and GET
 * runs read what they serve once, unmeasured, before measuring.
 */
export class PageCache {
  private unavailable = false;
  /** Measurements that started with the page cache dropped. */
  drops = 0;

  constructor(
    private readonly enabled: boolean,
    private readonly log: (message: string) => void,
    private readonly control = '/proc/sys/vm/drop_caches',
  ) {}

  /** Drops clean pages (the caller has run sync); warns once and gives up where that is refused. */
  drop(): void {
    if (!this.enabled || this.unavailable) return;
    try {
      writeFileSync(this.control, '1');
      this.drops++;
    } catch (err) {
      this.unavailable = true;
      this.log(`  cannot drop the page cache (${(err as Error).message}): each measurement starts with what the previous ones left in it`);
    }
  }
}
