import { createServer, Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { RawConnection } from './raw-http';

describe('RawConnection', () => {
  let server: Server;
  let port: number;
  let connections = 0;

  beforeAll(async () => {
    server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const body = Buffer.concat(chunks);
        if (req.url === '/echo') {
          res.writeHead(201, { 'Content-Type': 'application/octet-stream', 'X-Method': req.method, 'Content-Length': body.length });
          res.end(body);
        } else if (req.url === '/chunked') {
          res.writeHead(200, { 'Content-Type': 'text/plain' });
          res.write('first part, ');
          setTimeout(() => res.end('second part'), 5);
        } else if (req.url === '/close') {
          res.writeHead(202, { Connection: 'close', 'Content-Length': 2 });
          res.end('ok');
        } else if (req.url === '/hangup') {
          res.socket?.destroy();
        } else {
          res.writeHead(404, { 'Content-Type': 'application/json', 'Content-Length': 17 });
          res.end(req.method === 'HEAD' ? undefined : '{"errors":["no"]}');
        }
      });
    });
    server.on('connection', () => connections++);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as AddressInfo).port;
  });
  /** Runs `fn` with a connection of its own, closed afterwards. */
  async function connected(fn: (c: RawConnection) => Promise<void>): Promise<void> {
    const c = new RawConnection('127.0.0.1', port);
    try {
      await fn(c);
    } finally {
      c.close();
    }
  }

  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });

  it('carries several exchanges, with bodies both ways and HEAD, over one connection', async () => {
    const before = connections;
    await connected(async (c) => {
      const sent = Buffer.from('x'.repeat(100_000));
      const put = await c.exchange('PUT', '/echo', { 'Content-Type': 'application/octet-stream' }, sent);
      expect(put.status).toBe(201);
      expect(put.headers['x-method']).toBe('PUT');
      expect(put.body.equals(sent)).toBe(true);
      const head = await c.exchange('HEAD', '/missing');
      expect(head.status).toBe(404);
      expect(head.body.length).toBe(0);
      expect(head.headers['content-length']).toBe('17');
      const get = await c.exchange('GET', '/missing');
      expect(get.body.toString()).toBe('{"errors":["no"]}');
      const post = await c.exchange('POST', '/echo');
      expect(post.headers['x-method']).toBe('POST');
      expect(post.body.length).toBe(0);
      expect(connections - before).toBe(1);
    });
  });

  it('decodes a chunked body', async () => {
    await connected(async (c) => {
      const res = await c.exchange('GET', '/chunked');
      expect(res.body.toString()).toBe('first part, second part');
      expect((await c.exchange('GET', '/missing')).status).toBe(404);
    });
  });

  it('reconnects after a response that closes the connection', async () => {
    const before = connections;
    await connected(async (c) => {
      expect((await c.exchange('POST', '/close')).body.toString()).toBe('ok');
      expect((await c.exchange('GET', '/missing')).status).toBe(404);
      expect(connections - before).toBe(2);
    });
  });

  it('fails the exchange when the server hangs up without answering, and recovers', async () => {
    await connected(async (c) => {
      await expect(c.exchange('GET', '/hangup')).rejects.toThrow(/connection closed|ECONNRESET|socket hang up/);
      expect((await c.exchange('GET', '/missing')).status).toBe(404);
    });
  });

  it('refuses a second exchange while one is outstanding', async () => {
    await connected(async (c) => {
      const first = c.exchange('GET', '/chunked');
      await expect(c.exchange('GET', '/missing')).rejects.toThrow(/one exchange at a time/);
      expect((await first).status).toBe(200);
    });
  });
});
