import { connect, Socket } from 'node:net';

export interface RawResponse {
  status: number;
  /** Lower-cased names; a repeated header keeps its last value. */
  headers: Record<string, string>;
  body: Buffer;
}

const MAX_HEAD = 64 * 1024;

interface Pending {
  head: boolean;
  resolve(res: RawResponse): void;
  reject(err: Error): void;
}

/**
 * One keep-alive HTTP/1.1 connection carrying one exchange at a time, for the small-request push
 * scenarios. Node's `http` client spends ~250-450 µs of CPU per request on this machine, about as
 * much as the registry spends answering it, and client and servers share the same 2 cores: a
 * request written as one string and a response parsed straight from the socket's bytes cost a
 * fraction of that, so the measurement is more of the server. Handles Content-Length and chunked
 * bodies, HEAD, and servers that close the connection (the next exchange reconnects).
 */
export class RawConnection {
  private socket: Socket | undefined;
  private buffered: Buffer = Buffer.alloc(0);
  private pending: Pending | undefined;
  private closeAfter = false;

  constructor(
    private readonly host: string,
    private readonly port: number,
  ) {}

  exchange(method: string, path: string, headers: Record<string, string | number> = {}, body?: Buffer): Promise<RawResponse> {
    if (this.pending) return Promise.reject(new Error('RawConnection: one exchange at a time'));
    if (!this.socket || this.socket.destroyed || this.closeAfter) this.open();
    const socket = this.socket as Socket;
    return new Promise<RawResponse>((resolve, reject) => {
      this.pending = { head: method === 'HEAD', resolve, reject };
      let text = `${method} ${path} HTTP/1.1\r\nHost: ${this.host}:${this.port}\r\nUser-Agent: wharf-bench\r\n`;
      for (const [k, v] of Object.entries(headers)) text += `${k}: ${v}\r\n`;
      if (body !== undefined || (method !== 'GET' && method !== 'HEAD')) text += `Content-Length: ${body?.length ?? 0}\r\n`;
      text += '\r\n';
      if (body === undefined || body.length === 0) socket.write(text, 'latin1');
      else {
        // One write for head and body: one syscall, one segment for a small body.
        socket.cork();
        socket.write(text, 'latin1');
        socket.write(body);
        socket.uncork();
      }
    });
  }

  close(): void {
    this.socket?.destroy();
    this.socket = undefined;
  }

  private open(): void {
    this.socket?.destroy();
    this.buffered = Buffer.alloc(0);
    this.closeAfter = false;
    const socket = connect({ host: this.host, port: this.port, noDelay: true });
    socket.on('data', (chunk: Buffer) => {
      if (socket !== this.socket) return;
      this.buffered = this.buffered.length === 0 ? chunk : Buffer.concat([this.buffered, chunk]);
      this.parse();
    });
    const fail = (err: Error) => {
      if (socket !== this.socket) return;
      this.socket = undefined;
      const p = this.pending;
      this.pending = undefined;
      p?.reject(err);
    };
    socket.on('error', fail);
    socket.on('close', () => fail(new Error('connection closed before a complete response')));
    this.socket = socket;
  }

  /** Completes the pending exchange once its whole response is buffered. */
  private parse(): void {
    const p = this.pending;
    if (!p) {
      if (this.buffered.length > 0) this.socket?.destroy(new Error('bytes received with no request outstanding'));
      return;
    }
    const end = this.buffered.indexOf('\r\n\r\n');
    if (end < 0) {
      if (this.buffered.length > MAX_HEAD) this.socket?.destroy(new Error('response head too large'));
      return;
    }
    const lines = this.buffered.toString('latin1', 0, end).split('\r\n');
    const status = /^HTTP\/1\.[01] (\d{3})/.exec(lines[0]);
    if (!status) {
      this.socket?.destroy(new Error(`not an HTTP response: ${lines[0].slice(0, 80)}`));
      return;
    }
    const headers: Record<string, string> = {};
    for (let i = 1; i < lines.length; i++) {
      const at = lines[i].indexOf(':');
      if (at > 0) headers[lines[i].slice(0, at).trim().toLowerCase()] = lines[i].slice(at + 1).trim();
    }
    const code = Number(status[1]);
    const start = end + 4;
    let body: Buffer;
    let consumed: number;
    if (p.head || code === 204 || code === 304) {
      body = Buffer.alloc(0);
      consumed = start;
    } else if (/chunked/i.test(headers['transfer-encoding'] ?? '')) {
      const decoded = decodeChunked(this.buffered, start);
      if (decoded === undefined) return;
      if (decoded === 'malformed') {
        this.socket?.destroy(new Error('malformed chunked body'));
        return;
      }
      ({ body, consumed } = decoded);
    } else if (headers['content-length'] !== undefined) {
      const length = Number(headers['content-length']);
      if (this.buffered.length < start + length) return;
      body = this.buffered.subarray(start, start + length);
      consumed = start + length;
    } else {
      // Neither length nor chunks: the body runs to the end of the connection (not expected from
      // a registry; refused rather than waited for).
      this.socket?.destroy(new Error(`HTTP ${code} without Content-Length or chunked encoding`));
      return;
    }
    this.buffered = this.buffered.subarray(consumed);
    this.pending = undefined;
    if (/close/i.test(headers['connection'] ?? '')) this.closeAfter = true;
    p.resolve({ status: code, headers, body });
    if (this.buffered.length > 0) this.parse();
  }
}

/** A whole chunked body starting at `from`, or undefined while more bytes are needed. */
function decodeChunked(buf: Buffer, from: number): { body: Buffer; consumed: number } | 'malformed' | undefined {
  const parts: Buffer[] = [];
  let at = from;
  for (;;) {
    const eol = buf.indexOf('\r\n', at);
    if (eol < 0) return undefined;
    const size = parseInt(buf.toString('latin1', at, eol).split(';')[0], 16);
    if (!Number.isFinite(size) || size < 0) return 'malformed';
    if (size === 0) {
      // The last chunk, then trailers (none expected) up to an empty line.
      const done = buf.indexOf('\r\n\r\n', eol);
      return done < 0 ? undefined : { body: Buffer.concat(parts), consumed: done + 4 };
    }
    if (buf.length < eol + 2 + size + 2) return undefined;
    parts.push(buf.subarray(eol + 2, eol + 2 + size));
    at = eol + 2 + size + 2;
  }
}
