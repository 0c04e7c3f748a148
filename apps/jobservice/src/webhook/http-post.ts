import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';

export interface PostOptions {
  /** The whole exchange (connect, send, answer) must end within this. */
  timeoutMs: number;
  /** Accept any TLS certificate (the target's skip_cert_verify). */
  skipCertVerify: boolean;
}

export interface PostAnswer {
  status: number;
  statusText: string;
  /** The start of the answer's body, for the delivery log. */
  bodyStart: string;
  ms: number;
}

/** Bytes of an answer's body kept for the log; the rest is read and dropped. */
const KEPT_BODY_BYTES = 512;

/**
 * One POST, no redirects followed (a webhook answered with a redirect was not delivered) and no
 * connection kept: deliveries go to many hosts, rarely twice in a row to the same one.
 */
export function postOnce(address: string, body: string, headers: Record<string, string>, options: PostOptions): Promise<PostAnswer> {
  const url = new URL(address);
  const started = Date.now();
  const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
  return new Promise<PostAnswer>((resolve, reject) => {
    const req = send(url, {
      method: 'POST',
      agent: false,
      rejectUnauthorized: !options.skipCertVerify,
      headers: { ...headers, 'Content-Length': String(Buffer.byteLength(body)) },
    });
    const timer = setTimeout(() => req.destroy(new Error(`no answer within ${Math.round(options.timeoutMs / 100) / 10} s`)), options.timeoutMs);
    req.on('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
    req.on('response', (res: IncomingMessage) => {
      const kept: Buffer[] = [];
      let size = 0;
      res.on('data', (chunk: Buffer) => {
        if (size < KEPT_BODY_BYTES) kept.push(chunk.subarray(0, KEPT_BODY_BYTES - size));
        size += chunk.length;
      });
      res.on('error', (err) => {
        clearTimeout(timer);
        reject(err);
      });
      res.on('end', () => {
        clearTimeout(timer);
        resolve({
          status: res.statusCode ?? 0,
          statusText: res.statusMessage ?? '',
          bodyStart: Buffer.concat(kept).toString('utf8'),
          ms: Date.now() - started,
        });
      });
    });
    req.end(body);
  });
}
