import type { Sql } from '@wharf/db';

/**
 * A key of table `registry_secret` (the keys every process of the installation shares), read
 * once per process; a failed read (database down) is tried again by the next caller.
 */
export class SharedKey {
  private key: Promise<Buffer> | undefined;

  constructor(
    private readonly sql: Sql,
    private readonly name: string,
  ) {}

  get(): Promise<Buffer> {
    this.key ??= this.read().catch((err: unknown) => {
      this.key = undefined;
      throw err;
    });
    return this.key;
  }

  private async read(): Promise<Buffer> {
    const row = await this.sql.one<{ value: Buffer }>('SELECT value FROM registry_secret WHERE name = $1', [this.name], 'core_shared_key');
    if (!row || row.value.length < 16) throw new Error(`registry_secret holds no usable ${this.name} key`);
    return row.value;
  }
}
