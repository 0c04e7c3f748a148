import { createServer, type IncomingHttpHeaders, request as httpRequest, type Server } from 'node:http';
import { type AddressInfo, connect as netConnect, type Socket } from 'node:net';
import { EventType, ExecutionStatus, removeQueueKeys } from '@wharf/jobs';
import Redis from 'ioredis';
import { startTestJobService, type TestJobService } from '../testing';
import { Fixture, REDIS_URL } from './testing/fixture';
import { selfSignedCertificate, WebhookReceiver } from '@wharf/testing';

interface Proxied {
  method: string;
  target: string;
  headers: IncomingHttpHeaders;
}

/**
 * A forward proxy on 127.0.0.1 that records what it is asked for: absolute-form requests are
 * forwarded, CONNECT opens a tunnel (or answers 502 when the target does not answer).
 */
class RecordingProxy {
  readonly seen: Proxied[] = [];
  private readonly server: Server;
  private readonly tunnels = new Set<Socket>();
  port = 0;

  constructor() {
    this.server = createServer((req, res) => {
      this.seen.push({ method: req.method ?? '', target: req.url ?? '', headers: req.headers });
      const headers = { ...req.headers };
      delete headers['proxy-authorization'];
      const upstream = httpRequest(new URL(req.url ?? ''), { method: req.method, headers, agent: false }, (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      });
      upstream.on('error', () => res.writeHead(502).end());
      req.pipe(upstream);
    });
    this.server.on('connect', (req, client: Socket, head: Buffer) => {
      this.seen.push({ method: 'CONNECT', target: req.url ?? '', headers: req.headers });
      this.tunnels.add(client);
      const [host, port] = (req.url ?? '').split(':');
      const upstream = netConnect(Number(port), host!, () => {
        client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
        upstream.write(head);
        upstream.pipe(client);
        client.pipe(upstream);
      });
      this.tunnels.add(upstream);
      upstream.on('error', () => client.end('HTTP/1.1 502 Bad Gateway\r\n\r\n'));
      client.on('error', () => upstream.destroy());
    });
  }

  async start(): Promise<this> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    this.port = (this.server.address() as AddressInfo).port;
    return this;
  }

  async close(): Promise<void> {
    for (const s of this.tunnels) s.destroy();
    this.server.closeAllConnections();
    await new Promise((resolve) => this.server.close(resolve));
  }
}

/** A port nothing listens on. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

describe('webhook deliveries through the proxy of harbor.yml', () => {
  let t: TestJobService;
  let redis: Redis;
  let f: Fixture;
  let proxy: RecordingProxy;
  let proxied: WebhookReceiver;
  let direct: WebhookReceiver;
  let secure: WebhookReceiver;
  let projectId: number;

  beforeAll(async () => {
    proxy = await new RecordingProxy().start();
    proxied = await WebhookReceiver.start();
    direct = await WebhookReceiver.start();
    secure = await WebhookReceiver.start(await selfSignedCertificate());
    t = await startTestJobService({
      webhookMaxRetry: 0,
      externalUrl: 'https://reg.example.com',
      // The receivers all listen on 127.0.0.1; no_proxy tells them apart by port.
      webhookProxy: { httpProxy: `http://hook:Pr0xy-pass@127.0.0.1:${proxy.port}`, httpsProxy: `http://127.0.0.1:${proxy.port}`, noProxy: `localhost, 127.0.0.1:${new URL(direct.url).port}` },
    });
    redis = new Redis(REDIS_URL);
    f = new Fixture(t, redis);
    await f.allowNetworks();
    projectId = await f.project('proxied');
    await f.repository('proxied/app', projectId);
  });

  afterAll(async () => {
    await t?.close();
    for (const s of [proxied, direct, secure, proxy]) await s?.close();
    if (t) await removeQueueKeys(redis, t.config.queuePrefix);
    redis?.disconnect();
  });

  it('sends http deliveries to the proxy with the absolute URL and its credentials, https ones through a CONNECT tunnel, and no_proxy targets direct', async () => {
    const policyId = await f.policy(projectId, 'all', [EventType.PushArtifact], [
      { address: `${proxied.url}/via`, auth_header: 'Bearer target-secret' },
      { address: `${secure.url}/tls`, skip_cert_verify: true, auth_header: 'Bearer tls-secret' },
      { address: `${direct.url}/direct` },
    ]);
    await f.publish({ repository: 'proxied/app', tag: 'v1' });

    const [via] = await proxied.waitFor('/via', 1);
    const [tls] = await secure.waitFor('/tls', 1);
    const [straight] = await direct.waitFor('/direct', 1);
    for (const r of [via, tls, straight]) expect(JSON.parse(r!.body)).toMatchObject({ type: 'PUSH_ARTIFACT', event_data: { resources: [{ tag: 'v1' }] } });
    expect(via!.headers['authorization']).toBe('Bearer target-secret');
    expect(tls!.headers['authorization']).toBe('Bearer tls-secret');

    const { port: securePort } = new URL(secure.url);
    expect(proxy.seen.map((s) => [s.method, s.target])).toEqual(
      expect.arrayContaining([
        ['POST', `${proxied.url}/via`],
        ['CONNECT', `127.0.0.1:${securePort}`],
      ]),
    );
    expect(proxy.seen).toHaveLength(2);
    const post = proxy.seen.find((s) => s.method === 'POST')!;
    expect(post.headers['proxy-authorization']).toBe(`Basic ${Buffer.from('hook:Pr0xy-pass').toString('base64')}`);
    expect(post.headers['host']).toBe(new URL(proxied.url).host);
    // The https proxy has no credentials; the tunnel carries TLS the proxy cannot read.
    expect(proxy.seen.find((s) => s.method === 'CONNECT')!.headers['proxy-authorization']).toBeUndefined();
    expect(proxy.seen.some((s) => s.target.includes('/direct'))).toBe(false);

    const deliveries = await f.settled(policyId, 3);
    expect(deliveries.map((d) => d.status)).toEqual([ExecutionStatus.Success, ExecutionStatus.Success, ExecutionStatus.Success]);
    const logs = await Promise.all(deliveries.map((d) => f.log(d)));
    expect(logs[0]).toContain(`through the proxy http://127.0.0.1:${proxy.port}`);
    expect(logs[1]).toContain(`through the proxy http://127.0.0.1:${proxy.port}`);
    expect(logs[2]).not.toContain('proxy');
    expect(logs.join('')).not.toContain('Pr0xy-pass');
  });

  it('checks the target, not the proxy: a refused address never reaches the proxy, a name only the proxy resolves is left to it', async () => {
    const policyId = await f.policy(projectId, 'metadata', [EventType.DeleteArtifact], [
      { address: 'http://169.254.169.254/latest/meta-data/' },
      { address: 'http://hooks.wharf-test.invalid/x' },
    ]);
    const before = proxy.seen.length;
    await f.publish({ type: EventType.DeleteArtifact, repository: 'proxied/app' });
    const [metadata, unresolved] = await f.settled(policyId, 2);
    expect(metadata!.status).toBe(ExecutionStatus.Error);
    expect(metadata!.statusMessage).toMatch(/^not delivered: 169\.254\.169\.254 is a link-local address/);
    // The proxy could not resolve it either, and said so with a 502.
    expect(unresolved!.statusMessage).toMatch(/answered 502 Bad Gateway/);
    expect(proxy.seen.slice(before).map((s) => [s.method, s.target])).toEqual([['POST', 'http://hooks.wharf-test.invalid/x']]);
  });

  it('fails a delivery whose tunnel the proxy cannot open, saying so', async () => {
    const policyId = await f.policy(projectId, 'nowhere', [EventType.PullArtifact], [{ address: `https://127.0.0.1:${await closedPort()}/x` }]);
    await f.publish({ type: EventType.PullArtifact, repository: 'proxied/app', tag: 'v1' });
    const [delivery] = await f.settled(policyId, 1);
    expect(delivery!.status).toBe(ExecutionStatus.Error);
    expect(delivery!.statusMessage).toMatch(new RegExp(`proxy http://127\\.0\\.0\\.1:${proxy.port} refused to CONNECT to 127\\.0\\.0\\.1:\\d+: 502`));
  });
});
