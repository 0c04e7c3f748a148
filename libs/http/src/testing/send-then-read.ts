import { connect, type Socket } from 'node:net';
import type { SentAnswer } from './send-over-agent';

/**
 * A client connection that sends each request whole before it reads anything, as many clients do
 * (Go's and Python's among them): an answer the server sends early waits in the kernel until the
 * body is out. A server that then closes the connection over unread bytes resets it, the kernel
 * drops the waiting answer, and the client sees only EPIPE or ECONNRESET. Node's own client reads
 * while it sends and would hide that.
 */
export class SendThenRead {
  private buffered = Buffer.alloc(0);
  private failure: string | undefined;

  private constructor(
    private readonly socket: Socket,
    private readonly host: string,
  ) {
    socket.pause();
    socket.on('data', (chunk: Buffer) => (this.buffered = Buffer.concat([this.buffered, chunk])));
    socket.on('error', (err: NodeJS.ErrnoException) => (this.failure ??= err.code ?? err.message));
    socket.on('close', () => (this.failure ??= 'closed'));
  }

  static open(url: string): Promise<SendThenRead> {
    const u = new URL(url);
    return new Promise((resolve, reject) => {
      const socket = connect(Number(u.port), u.hostname, () => resolve(new SendThenRead(socket, u.host)));
      socket.once('error', reject);
    });
  }

  /** One request on this connection; its answer, or the error that came instead. */
  async exchange(method: string, path: string, options: { headers?: Record<string, string>; body?: Buffer; timeoutMs?: number } = {}): Promise<SentAnswer> {
    const body = options.body ?? Buffer.alloc(0);
    const head = [`${method} ${path} HTTP/1.1`, `Host: ${this.host}`, `Content-Length: ${body.length}`, ...Object.entries(options.headers ?? {}).map(([k, v]) => `${k}: ${v}`), '', ''].join('\r\n');
    try {
      await this.write(Buffer.from(head));
      for (let at = 0; at < body.length; at += 64 * 1024) await this.write(body.subarray(at, at + 64 * 1024));
    } catch {
      return { error: this.failure ?? 'write failed' };
    }
    return this.read(options.timeoutMs ?? 10_000);
  }

  close(): void {
    this.socket.destroy();
  }

  private write(data: Buffer): Promise<void> {
    return new Promise((resolve, reject) => {
      if (this.failure) return reject(new Error(this.failure));
      this.socket.write(data, (err) => (err ? reject(err) : resolve()));
    });
  }

  private read(timeoutMs: number): Promise<SentAnswer> {
    this.socket.resume();
    const deadline = Date.now() + timeoutMs;
    return new Promise((resolve) => {
      const poll = () => {
        const answer = this.parse();
        if (answer || this.failure || Date.now() > deadline) {
          this.socket.pause();
          return resolve(answer ?? { error: this.failure ?? 'timeout' });
        }
        setTimeout(poll, 5);
      };
      poll();
    });
  }

  /** A whole response (with a Content-Length body) taken off the buffer, if one is there. */
  private parse(): SentAnswer | undefined {
    const end = this.buffered.indexOf('\r\n\r\n');
    if (end < 0) return undefined;
    const head = this.buffered.subarray(0, end).toString('latin1');
    const length = Number(/\r\ncontent-length:\s*(\d+)/i.exec(head)?.[1] ?? 0);
    if (this.buffered.length < end + 4 + length) return undefined;
    const body = this.buffered.subarray(end + 4, end + 4 + length).toString('utf8');
    this.buffered = this.buffered.subarray(end + 4 + length);
    return { status: Number(head.split(' ')[1]), body };
  }
}
