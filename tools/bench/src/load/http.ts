import { Agent, IncomingHttpHeaders, OutgoingHttpHeaders, request as httpRequest } from 'node:http';

export interface HttpResponse {
  status: number;
  headers: IncomingHttpHeaders;
  /** The body when `collect` was asked for, else empty (the bytes were counted and dropped). */
  body: Buffer;
  bytes: number;
}

export interface RequestOptions {
  method: string;
  headers?: OutgoingHttpHeaders;
  /** Written in order with back-pressure; set Content-Length in `headers` for a streamed body. */
  body?: Buffer | Iterable<Buffer>;
  collect?: boolean;
}

export function keepAliveAgent(sockets: number): Agent {
  return new Agent({ keepAlive: true, maxSockets: sockets, maxFreeSockets: sockets, scheduling: 'fifo' });
}

/** One HTTP/1.1 exchange on a keep-alive agent; the response body is read to the end. */
export function request(agent: Agent, url: URL, options: RequestOptions): Promise<HttpResponse> {
  return new Promise((resolve, reject) => {
    const headers: OutgoingHttpHeaders = { ...options.headers };
    if (options.body === undefined && !('content-length' in lower(headers)) && options.method !== 'GET' && options.method !== 'HEAD') {
      headers['Content-Length'] = 0;
    }
    if (Buffer.isBuffer(options.body)) headers['Content-Length'] = options.body.length;
    const req = httpRequest(
      { agent, host: url.hostname, port: url.port, path: url.pathname + url.search, method: options.method, headers },
      (res) => {
        const chunks: Buffer[] = [];
        let bytes = 0;
        res.on('data', (c: Buffer) => {
          bytes += c.length;
          if (options.collect) chunks.push(c);
        });
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks), bytes }));
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    const body = options.body;
    if (body === undefined) {
      req.end();
    } else if (Buffer.isBuffer(body)) {
      req.end(body);
    } else {
      writeAll(req, body).then(
        () => req.end(),
        (err) => req.destroy(err as Error),
      );
    }
  });
}

async function writeAll(req: import('node:http').ClientRequest, parts: Iterable<Buffer>): Promise<void> {
  for (const part of parts) {
    if (!req.write(part)) {
      await new Promise<void>((resolve, reject) => {
        const onDrain = () => {
          req.off('error', onError);
          resolve();
        };
        const onError = (err: Error) => {
          req.off('drain', onDrain);
          reject(err);
        };
        req.once('drain', onDrain);
        req.once('error', onError);
      });
    }
  }
}

function lower(headers: OutgoingHttpHeaders): Record<string, unknown> {
  return Object.fromEntries(Object.entries(headers).map(([k, v]) => [k.toLowerCase(), v]));
}

/** Throws with the status and the start of the body unless the status is one of `expected`. */
export function expectStatus(res: Pick<HttpResponse, 'status' | 'body'>, what: string, ...expected: number[]): void {
  if (!expected.includes(res.status)) {
    throw new Error(`${what}: expected HTTP ${expected.join(' or ')}, got ${res.status} ${res.body.toString('utf8', 0, 300)}`);
  }
}

/** Resolves a `Location` header (absolute or relative) and adds query parameters to it. */
export function resolveLocation(base: URL, location: string | undefined, params: Record<string, string> = {}): URL {
  if (!location) throw new Error('response has no Location header');
  const url = new URL(location, base);
  for (const [k, v] of Object.entries(params)) url.searchParams.set(k, v);
  return url;
}
