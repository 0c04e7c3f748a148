import { createHash, randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { StorageDriver } from '@wharf/storage';
import { pushBlob, sha256 } from '@wharf/testing';
import { STORAGE } from '../../registry/src/infra/tokens';
import { RegistryHarness, startTestRegistry } from '../../registry/src/testing';
import { testNginxConfig } from '../../../tools/install/src/gateway/nginx-command';
import { ACCEL_PREFIX } from '../../../tools/install/src/gateway/nginx-config';
import { EchoedRequest, EchoServer, startEchoServer } from '../../../tools/install/src/gateway/testing/echo-server';
import { startTestGateway, TestGateway } from '../../../tools/install/src/gateway/testing/gateway-harness';

/**
 * The rendered gateway config run by Debian's nginx in front of a real registry (blob offload on,
 * as the installer configures it) and a stand-in for core.
 */

const MiB = 1024 * 1024;

async function bytesOf(res: Response): Promise<Buffer> {
  return Buffer.from(await res.arrayBuffer());
}

/** Streams `total` bytes of `piece` repeated as a chunked request body, pausing after `pauseAfter`. */
function streamedPatch(
  url: string,
  piece: Buffer,
  total: number,
  pauseAfter: { bytes: number; until: () => Promise<void> },
): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: string }> {
  const u = new URL(url);
  return new Promise((resolve, reject) => {
    const req = request({ host: u.hostname, port: u.port, path: `${u.pathname}${u.search}`, method: 'PATCH', headers: { 'Content-Type': 'application/octet-stream' }, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString() }));
    });
    req.on('error', reject);
    let sent = 0;
    let paused = false;
    const pump = (): void => {
      while (sent < total) {
        if (!paused && sent >= pauseAfter.bytes) {
          paused = true;
          pauseAfter.until().then(pump, (err: Error) => req.destroy(err));
          return;
        }
        const n = Math.min(piece.length, total - sent);
        sent += n;
        if (!req.write(n === piece.length ? piece : piece.subarray(0, n))) {
          req.once('drain', pump);
          return;
        }
      }
      req.end();
    };
    pump();
  });
}

async function until(what: string, check: () => Promise<boolean>, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('gateway (nginx) over http, in front of the registry and core', () => {
  let registry: RegistryHarness;
  let core: EchoServer;
  let gw: TestGateway;
  let storage: StorageDriver;
  const repo = 'gw/app';
  const content = randomBytes(3 * MiB + 123);
  let digest: string;

  beforeAll(async () => {
    registry = await startTestRegistry({ accelPrefix: ACCEL_PREFIX });
    core = await startEchoServer('core');
    gw = await startTestGateway({
      coreUpstream: core.address,
      registryUpstream: new URL(registry.url).host,
      blobRoot: registry.config.dataDir,
    });
    storage = registry.app.get<StorageDriver>(STORAGE);
    digest = await pushBlob(gw.url, repo, content);
  });
  afterEach(() => {
    jest.restoreAllMocks();
  });
  afterAll(async () => {
    await gw?.stop();
    await core?.close();
    await registry?.close();
  });

  it('nginx -t accepts the rendered file', () => {
    const r = testNginxConfig(gw.prefix);
    expect(r.output).toContain('test is successful');
    expect(r.ok).toBe(true);
  });

  it('routes /v2/ to the registry', async () => {
    const res = await fetch(`${gw.url}/v2/`);
    expect(res.status).toBe(200);
    expect(res.headers.get('docker-distribution-api-version')).toBe('registry/2.0');
    await res.arrayBuffer();
  });

  it('a pushed blob pulled through the gateway is byte-identical, with the registry headers, and sent by nginx from the file', async () => {
    const sendTo = jest.spyOn(storage, 'sendTo');
    const read = jest.spyOn(storage, 'read');
    const res = await fetch(`${gw.url}/v2/${repo}/blobs/${digest}`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-length')).toBe(String(content.length));
    expect(res.headers.get('content-type')).toBe('application/octet-stream');
    expect(res.headers.get('docker-content-digest')).toBe(digest);
    expect(res.headers.get('etag')).toBe(`"${digest}"`);
    expect(res.headers.get('accept-ranges')).toBe('bytes');
    expect(res.headers.get('docker-distribution-api-version')).toBe('registry/2.0');
    expect(res.headers.get('cache-control')).toBe('max-age=31536000');
    expect(res.headers.get('last-modified')).toBeNull();
    expect(res.headers.get('x-accel-redirect')).toBeNull();
    const body = await bytesOf(res);
    expect(sha256(body)).toBe(digest);
    expect(body.equals(content)).toBe(true);
    // The registry authorized the pull but never read the blob.
    expect(sendTo).not.toHaveBeenCalled();
    expect(read).not.toHaveBeenCalled();
    // nginx's log line: the whole blob to the client, a few header bytes from the registry.
    const line = gw
      .logs()
      .access.split('\n')
      .filter((l) => l.includes(`GET /v2/${repo}/blobs/${digest}`))
      .pop();
    expect(line).toContain(` 200 ${content.length} `);
    const upstreamBytes = Number(/ubytes=(\d+)/.exec(line ?? '')?.[1]);
    expect(upstreamBytes).toBeGreaterThan(0);
    expect(upstreamBytes).toBeLessThan(2000);
  });

  it('repeated pulls reuse the connection to the registry', async () => {
    let connections = 0;
    const server = registry.app.getHttpServer();
    const count = () => connections++;
    server.on('connection', count);
    try {
      for (let i = 0; i < 5; i++) await bytesOf(await fetch(`${gw.url}/v2/${repo}/blobs/${digest}`));
    } finally {
      server.off('connection', count);
    }
    // One worker may open a connection of its own; not one per pull.
    expect(connections).toBeLessThanOrEqual(2);
  });

  it.each([
    ['bytes=10-19', 10, 19],
    ['bytes=-100', content.length - 100, content.length - 1],
    ['bytes=3145728-', 3 * MiB, content.length - 1],
  ])('applies Range %s to the file: 206 with Content-Range', async (range, start, end) => {
    const res = await fetch(`${gw.url}/v2/${repo}/blobs/${digest}`, { headers: { Range: range } });
    expect(res.status).toBe(206);
    expect(res.headers.get('content-range')).toBe(`bytes ${start}-${end}/${content.length}`);
    expect(res.headers.get('content-length')).toBe(String(end - start + 1));
    expect(res.headers.get('docker-content-digest')).toBe(digest);
    expect((await bytesOf(res)).equals(content.subarray(start, end + 1))).toBe(true);
  });

  it('an unsatisfiable Range is 416 with Content-Range bytes */size', async () => {
    const res = await fetch(`${gw.url}/v2/${repo}/blobs/${digest}`, { headers: { Range: `bytes=${content.length}-` } });
    expect(res.status).toBe(416);
    expect(res.headers.get('content-range')).toBe(`bytes */${content.length}`);
    await res.arrayBuffer();
  });

  it('HEAD is answered by the registry', async () => {
    const res = await fetch(`${gw.url}/v2/${repo}/blobs/${digest}`, { method: 'HEAD' });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-length')).toBe(String(content.length));
    expect(res.headers.get('docker-content-digest')).toBe(digest);
    expect(res.headers.get('x-accel-redirect')).toBeNull();
  });

  it('an unknown blob, or one of another repository, is the registry 404 BLOB_UNKNOWN', async () => {
    for (const path of [`/v2/${repo}/blobs/${sha256('never pushed')}`, `/v2/gw/other/blobs/${digest}`]) {
      const res = await fetch(`${gw.url}${path}`);
      expect(res.status).toBe(404);
      expect(((await res.json()) as { errors: { code: string }[] }).errors[0].code).toBe('BLOB_UNKNOWN');
    }
  });

  it('the blob files location cannot be requested from outside', async () => {
    const hex = digest.slice('sha256:'.length);
    const res = await fetch(`${gw.url}${ACCEL_PREFIX}/sha256/${hex.slice(0, 2)}/${hex}`);
    expect(res.status).toBe(404);
    const body = await bytesOf(res);
    expect(body.length).toBeLessThan(1000);
  });

  it('a file gone between the registry check and nginx read is 404 BLOB_UNKNOWN in the registry error format', async () => {
    // A gateway whose blob root holds no files: the registry authorizes and redirects, the file
    // is not there (as after garbage collection in between).
    const empty = mkdtempSync(join(tmpdir(), 'wharf-empty-'));
    const other = await startTestGateway({ coreUpstream: core.address, registryUpstream: new URL(registry.url).host, blobRoot: empty });
    try {
      const res = await fetch(`${other.url}/v2/${repo}/blobs/${digest}`);
      expect(res.status).toBe(404);
      expect(res.headers.get('content-type')).toBe('application/json');
      expect(res.headers.get('docker-distribution-api-version')).toBe('registry/2.0');
      expect(((await res.json()) as { errors: { code: string }[] }).errors[0].code).toBe('BLOB_UNKNOWN');
    } finally {
      await other.stop();
      rmSync(empty, { recursive: true, force: true });
    }
  });

  it('a 50 MB chunked upload streams through to the registry while it is being sent', async () => {
    const start = await fetch(`${gw.url}/v2/${repo}/blobs/uploads/`, { method: 'POST' });
    expect(start.status).toBe(202);
    const location = new URL(start.headers.get('location') as string, gw.url);
    const id = location.pathname.split('/').pop() as string;
    const piece = randomBytes(MiB);
    const total = 50 * MiB;
    // Half of it sent, the client waits until the registry holds bytes of it: a gateway that
    // buffered the body first would never let any through.
    const patched = await streamedPatch(`${gw.url}${location.pathname}${location.search}`, piece, total, {
      bytes: 25 * MiB,
      until: () => until('the registry to receive part of the upload', async () => (await storage.uploadSize(id).catch(() => 0)) > 0, 10_000),
    });
    expect(patched.status).toBe(202);
    expect(patched.headers['range']).toBe(`0-${total - 1}`);
    const hash = createHash('sha256');
    for (let i = 0; i < 50; i++) hash.update(piece);
    const expected = `sha256:${hash.digest('hex')}`;
    const next = new URL(patched.headers['location'] as string, gw.url);
    next.searchParams.set('digest', expected);
    const put = await fetch(`${gw.url}${next.pathname}${next.search}`, { method: 'PUT' });
    expect(put.status).toBe(201);

    const pulled = await fetch(`${gw.url}/v2/${repo}/blobs/${expected}`);
    expect(pulled.status).toBe(200);
    expect(pulled.headers.get('content-length')).toBe(String(total));
    expect(sha256(await bytesOf(pulled))).toBe(expected);
    // Nothing was spooled to the gateway's disk.
    expect(gw.logs().error).not.toMatch(/buffered to a temporary file/);
    const spool = join(gw.prefix, 'client_body_temp');
    expect(existsSync(spool) ? readdirSync(spool, { recursive: true }) : []).toEqual([]);
  });

  it('a 50 MB monolithic push (POST with the whole body) goes through without a size limit', async () => {
    const data = randomBytes(50 * MiB);
    const d = await pushBlob(gw.url, 'gw/monolithic', data);
    const res = await fetch(`${gw.url}/v2/gw/monolithic/blobs/${d}`, { method: 'HEAD' });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-length')).toBe(String(data.length));
  });

  describe('routes to core', () => {
    const echo = async (path: string, init: RequestInit = {}): Promise<EchoedRequest> => {
      const res = await fetch(`${gw.url}${path}`, init);
      expect(res.status).toBe(200);
      return (await res.json()) as EchoedRequest;
    };

    it.each(['/api/v2.0/projects?page=2', '/service/token?service=harbor-registry&scope=repository:a/b:pull', '/c/login', '/devcenter-api-2.0', '/', '/harbor/projects'])(
      '%s reaches core with the path and query unchanged',
      async (path) => {
        const seen = await echo(path);
        expect(seen.server).toBe('core');
        expect(seen.url).toBe(path);
      },
    );

    it('passes Host and X-Forwarded-For/-Proto/-Host, and no offload mark', async () => {
      const seen = await echo('/api/v2.0/ping');
      expect(seen.headers['host']).toBe(`127.0.0.1:${gw.httpPort}`);
      expect(seen.headers['x-forwarded-host']).toBe(`127.0.0.1:${gw.httpPort}`);
      expect(seen.headers['x-forwarded-proto']).toBe('http');
      expect(seen.headers['x-forwarded-for']).toBe('127.0.0.1');
      expect(seen.headers['x-real-ip']).toBe('127.0.0.1');
      expect(seen.headers['x-wharf-accel']).toBeUndefined();
    });

    it('appends the client address to an X-Forwarded-For the client sent', async () => {
      const seen = await echo('/api/v2.0/users/current', { headers: { 'X-Forwarded-For': '203.0.113.9' } });
      expect(seen.headers['x-forwarded-for']).toBe('203.0.113.9, 127.0.0.1');
    });

    it('passes request bodies', async () => {
      const body = JSON.stringify({ project_name: 'team', metadata: { public: 'false' } });
      const seen = await echo('/api/v2.0/projects', { method: 'POST', body, headers: { 'Content-Type': 'application/json' } });
      expect(seen.method).toBe('POST');
      expect(seen.bodyBytes).toBe(Buffer.byteLength(body));
    });

    it('the registry gets the client-facing Host, so its upload Locations lead back through the gateway', async () => {
      const res = await fetch(`${gw.url}/v2/gw/location/blobs/uploads/`, { method: 'POST' });
      expect(res.status).toBe(202);
      const location = new URL(res.headers.get('location') as string, gw.url);
      expect(location.host).toBe(`127.0.0.1:${gw.httpPort}`);
      const status = await fetch(location);
      expect(status.status).toBe(204);
    });
  });
});
