import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { createServer as createHttpServer, type IncomingHttpHeaders, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

export interface ReceivedRequest {
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  body: string;
  at: number;
}

/** The status of an answer, or the status with the body and reason phrase to send. */
export type Reply = number | { status: number; body?: string; reason?: string };

/** Decides the answer to the n-th request (from 0) a receiver gets. */
export type Answer = (req: ReceivedRequest, n: number) => Reply | Promise<Reply>;

/** A real HTTP(S) server on 127.0.0.1 standing in for a webhook endpoint: it records what it gets. */
export class WebhookReceiver {
  readonly received: ReceivedRequest[] = [];
  private answer: Answer = () => 200;
  private counter = 0;

  private readonly server: Server;
  private port = 0;

  private constructor(private readonly tls?: { key: string; cert: string }) {
    const handle = (req: IncomingMessage, res: ServerResponse) => void this.handle(req, res);
    this.server = tls ? createHttpsServer({ key: tls.key, cert: tls.cert }, handle) : createHttpServer(handle);
  }

  static async start(tls?: { key: string; cert: string }): Promise<WebhookReceiver> {
    const receiver = new WebhookReceiver(tls);
    await new Promise<void>((resolve) => receiver.server.listen(0, '127.0.0.1', resolve));
    receiver.port = (receiver.server.address() as AddressInfo).port;
    return receiver;
  }

  get url(): string {
    return `${this.tls ? 'https' : 'http'}://127.0.0.1:${this.port}`;
  }

  /** Sets how the following requests are answered (the count starts again from 0). */
  answerWith(answer: Answer): void {
    this.answer = answer;
    this.counter = 0;
  }

  to(path: string): ReceivedRequest[] {
    return this.received.filter((r) => r.path === path);
  }

  /** Waits until `count` requests reached `path`. */
  async waitFor(path: string, count: number, timeoutMs = 20_000): Promise<ReceivedRequest[]> {
    const deadline = Date.now() + timeoutMs;
    while (this.to(path).length < count) {
      if (Date.now() > deadline) throw new Error(`${path} got ${this.to(path).length} of ${count} requests within ${timeoutMs} ms`);
      await new Promise((r) => setTimeout(r, 25));
    }
    return this.to(path);
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise((resolve) => this.server.close(resolve));
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const request: ReceivedRequest = { method: req.method ?? '', path: req.url ?? '', headers: req.headers, body: Buffer.concat(chunks).toString('utf8'), at: Date.now() };
    this.received.push(request);
    const reply = await this.answer(request, this.counter++);
    const { status, body, reason } = typeof reply === 'number' ? { status: reply, body: undefined, reason: undefined } : reply;
    const headers = { 'Content-Type': 'text/plain' };
    (reason === undefined ? res.writeHead(status, headers) : res.writeHead(status, reason, headers)).end(body ?? (status >= 300 ? `refused with ${status}` : 'ok'));
  }
}

/** A self-signed certificate for 127.0.0.1, made by openssl. */
export async function selfSignedCertificate(): Promise<{ key: string; cert: string }> {
  const dir = await mkdtemp(join(tmpdir(), 'wharf-webhook-tls-'));
  try {
    await promisify(execFile)('openssl', [
      'req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-days', '1',
      '-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1',
      '-keyout', join(dir, 'key.pem'), '-out', join(dir, 'cert.pem'),
    ]);
    return { key: await readFile(join(dir, 'key.pem'), 'utf8'), cert: await readFile(join(dir, 'cert.pem'), 'utf8') };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
