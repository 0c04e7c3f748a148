import { Agent } from 'node:http';
import Fastify, { type FastifyInstance } from 'fastify';
import { SendThenRead, sendOverAgent, type SentAnswer } from './testing';
import { type DrainLimits, drainUnreadBodies } from './unread-body';

function post(port: number, path: string, body: Buffer, agent: Agent, timeoutMs = 10_000): Promise<SentAnswer> {
  return sendOverAgent(`http://127.0.0.1:${port}${path}`, { method: 'POST', agent, body, timeoutMs });
}

describe('drainUnreadBodies', () => {
  let app: FastifyInstance;
  let port: number;
  let agent: Agent;
  const body = Buffer.alloc(6 * 1024 * 1024, 7);

  async function start(drain: boolean, limits: DrainLimits = { maxBytes: 32 * 1024 * 1024, maxMs: 10_000 }): Promise<void> {
    app = Fastify();
    app.removeAllContentTypeParsers();
    app.addContentTypeParser('*', (_req, _payload, done) => done(null));
    // Reads a part of the body, then fails, as a storage write that hits a full disk does.
    app.post('/partial', async (req, reply) => {
      let read = 0;
      for await (const chunk of req.raw.iterator({ destroyOnReturn: false })) {
        read += (chunk as Buffer).length;
        if (read > 1024 * 1024) break;
      }
      return reply.code(507).send({ read });
    });
    app.post('/refused', async (_req, reply) => reply.code(403).send({}));
    if (drain) drainUnreadBodies(app, limits);
    await app.listen({ port: 0, host: '127.0.0.1' });
    port = (app.server.address() as { port: number }).port;
    agent = new Agent({ keepAlive: true, maxSockets: 1 });
  }

  afterEach(async () => {
    agent.destroy();
    app.server.closeAllConnections();
    await app.close();
  });

  it('answers every request on a connection whose earlier body a handler stopped reading', async () => {
    await start(true);
    const answers: SentAnswer[] = [];
    for (let i = 0; i < 4; i++) answers.push(await post(port, '/partial', body, agent));
    expect(answers.map((a) => a.status ?? a.error)).toEqual([507, 507, 507, 507]);
  });

  it('answers refusals made before the body was read, and keeps the connection', async () => {
    await start(true);
    const answers: SentAnswer[] = [];
    for (let i = 0; i < 3; i++) answers.push(await post(port, '/refused', body, agent));
    expect(answers.map((a) => a.status ?? a.error)).toEqual([403, 403, 403]);
  });

  it("answers bodies over fastify's size limit to a client that reads only after sending", async () => {
    app = Fastify({ bodyLimit: 1024 * 1024 });
    app.post('/json', async () => ({}));
    app.get('/', async () => ({}));
    drainUnreadBodies(app);
    await app.listen({ port: 0, host: '127.0.0.1' });
    agent = new Agent();
    const connection = await SendThenRead.open(`http://127.0.0.1:${(app.server.address() as { port: number }).port}`);
    try {
      const json = Buffer.from(JSON.stringify({ pad: 'x'.repeat(6 * 1024 * 1024) }));
      const answers: SentAnswer[] = [];
      for (let i = 0; i < 3; i++) answers.push(await connection.exchange('POST', '/json', { body: json, headers: { 'Content-Type': 'application/json' } }));
      answers.push(await connection.exchange('GET', '/'));
      expect(answers.map((a) => a.status ?? a.error)).toEqual([413, 413, 413, 200]);
    } finally {
      connection.close();
    }
  });

  it('closes the connection after the answer when the rest of the body passes the limit', async () => {
    await start(true, { maxBytes: 256 * 1024, maxMs: 10_000 });
    let closed = 0;
    app.server.on('connection', (socket) => socket.on('close', () => closed++));
    await post(port, '/partial', Buffer.alloc(64 * 1024 * 1024, 1), agent);
    for (let i = 0; i < 50 && closed === 0; i++) await new Promise((r) => setTimeout(r, 100));
    expect(closed).toBe(1);
  });
});
