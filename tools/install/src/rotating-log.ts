import { chmodSync, closeSync, existsSync, fstatSync, openSync, renameSync, rmSync, writeSync } from 'node:fs';

/** Every log file of an installation: the group may read them (log shippers), others may not. */
export const LOG_FILE_MODE = 0o640;

/**
 * Creates a log file another program appends to (nginx's access and error logs), or narrows an
 * existing one to LOG_FILE_MODE: nginx itself would create them readable by everyone.
 */
export function ensureLogFile(path: string): void {
  closeSync(openSync(path, 'a', LOG_FILE_MODE));
  chmodSync(path, LOG_FILE_MODE);
}

/**
 * An append-only log file rotated by size like logrotate's `size`/`rotate`: when the next write
 * would pass `maxBytes`, <file>.N-1 becomes <file>.N (the oldest dropped), <file> becomes
 * <file>.1 and writing goes on in a fresh <file>. Synchronous so lines from several
 * services never interleave mid-rotation.
 */
export class RotatingLog {
  private fd: number;
  private size: number;

  constructor(
    readonly path: string,
    private readonly maxBytes: number,
    private readonly keep: number,
  ) {
    this.fd = openSync(path, 'a', LOG_FILE_MODE);
    this.size = fstatSync(this.fd).size;
  }

  write(chunk: Buffer | string): void {
    const data = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
    if (this.size > 0 && this.size + data.length > this.maxBytes) this.rotate();
    writeSync(this.fd, data);
    this.size += data.length;
  }

  close(): void {
    closeSync(this.fd);
  }

  private rotate(): void {
    closeSync(this.fd);
    if (this.keep <= 0) {
      rmSync(this.path, { force: true });
    } else {
      rmSync(`${this.path}.${this.keep}`, { force: true });
      for (let i = this.keep - 1; i >= 1; i--) {
        if (existsSync(`${this.path}.${i}`)) renameSync(`${this.path}.${i}`, `${this.path}.${i + 1}`);
      }
      renameSync(this.path, `${this.path}.1`);
    }
    this.fd = openSync(this.path, 'a', LOG_FILE_MODE);
    this.size = 0;
  }
}
