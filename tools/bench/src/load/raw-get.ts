import { connect } from 'node:net';

export interface RawGetResult {
  status: number;
  headers: Record<string, string>;
  /** Body bytes received (counted, never kept). */
  bytes: number;
}

const MAX_HEAD = 64 * 1024;

/**
 * GET over a fresh connection, counting the body into one reused buffer. Node's HTTP client hands
 * the body over in freshly allocated 64 KB chunks and tops out near 600 MB/s per core here, below
 * what nginx serves; reading the socket with `onread` into a fixed 1 MB buffer reaches about what
 * curl does, so the client stops being the bottleneck of blob pulls. Handles what registries and
 * nginx send for a blob: a status line, headers and a Content-Length body (not chunked encoding).
 */
export function rawGet(url: URL, headers: Record<string, string> = {}, bufferBytes = 1024 * 1024): Promise<RawGetResult> {
  return new Promise((resolve, reject) => {
    let head: Buffer | undefined = Buffer.alloc(0);
    let result: RawGetResult | undefined;
    let expected = 0;
    let settled = false;
    const finish = (err?: Error) => {
      if (settled) return;
      settled = true;
      socket.destroy();
      if (err) reject(err);
      else resolve(result as RawGetResult);
    };
    const onBody = (n: number) => {
      const r = result as RawGetResult;
      r.bytes += n;
      if (r.bytes >= expected) finish(r.bytes > expected ? new Error(`received ${r.bytes} body bytes, expected ${expected}`) : undefined);
    };
    const socket = connect({
      host: url.hostname,
      port: Number(url.port || 80),
      noDelay: true,
      onread: {
        buffer: Buffer.allocUnsafe(bufferBytes),
        callback: (nread: number, buf: Uint8Array): boolean => {
          if (head === undefined) {
            onBody(nread);
            return true;
          }
          head = Buffer.concat([head, buf.subarray(0, nread)]);
          const end = head.indexOf('\r\n\r\n');
          if (end < 0) {
            if (head.length > MAX_HEAD) finish(new Error('response head too large'));
            return true;
          }
          const lines = head.toString('latin1', 0, end).split('\r\n');
          const status = /^HTTP\/1\.[01] (\d{3})/.exec(lines[0]);
          if (!status) return (finish(new Error(`not an HTTP response: ${lines[0]}`)), true);
          const hdrs: Record<string, string> = {};
          for (const line of lines.slice(1)) {
            const i = line.indexOf(':');
            if (i > 0) hdrs[line.slice(0, i).trim().toLowerCase()] = line.slice(i + 1).trim();
          }
          if (hdrs['transfer-encoding']) return (finish(new Error(`unsupported Transfer-Encoding ${hdrs['transfer-encoding']}`)), true);
          expected = Number(hdrs['content-length'] ?? 0);
          result = { status: Number(status[1]), headers: hdrs, bytes: 0 };
          const rest = head.length - end - 4;
          head = undefined;
          if (expected === 0) finish();
          else if (rest > 0) onBody(rest);
          return true;
        },
      },
    });
    socket.on('error', (err) => finish(err));
    socket.on('close', () => finish(new Error(result ? `connection closed after ${result.bytes} of ${expected} body bytes` : 'connection closed before a response')));
    const extra = Object.entries(headers)
      .map(([k, v]) => `${k}: ${v}\r\n`)
      .join('');
    socket.write(`GET ${url.pathname}${url.search} HTTP/1.1\r\nHost: ${url.host}\r\nUser-Agent: wharf-bench\r\n${extra}\r\n`);
  });
}
