import { execFile, execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { request as httpRequest, IncomingHttpHeaders } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { StorageDriver } from '@wharf/storage';
import { makeImage, pushImage, sha256 } from '@wharf/testing';
import { STORAGE } from '../../registry/src/infra/tokens';
import { RegistryHarness, startTestRegistry } from '../../registry/src/testing';
import { testNginxConfig } from '../../../tools/install/src/gateway/nginx-command';
import { ACCEL_PREFIX, CONSOLE_CSP } from '../../../tools/install/src/gateway/nginx-config';
import { EchoedRequest, EchoServer, startEchoServer } from '../../../tools/install/src/gateway/testing/echo-server';
import { startTestGateway, TestGateway } from '../../../tools/install/src/gateway/testing/gateway-harness';
import { writeSmallPortal } from '../../../tools/install/src/gateway/testing/portal-build';

/**
 * The gateway with https (a self-signed certificate made here by openssl) and the web console: TLS
 * in front of the registry, core and the console's files, the http port redirecting, and a real
 * client (skopeo) pulling an image through it with the certificate verified.
 */

interface Answer {
  status: number;
  headers: IncomingHttpHeaders;
  body: Buffer;
}

describe('gateway (nginx) with https and the web console', () => {
  let registry: RegistryHarness;
  let core: EchoServer;
  let portal: { root: string; script: string };
  let gw: TestGateway;
  let certDir: string;
  let ca: Buffer;
  let https: string;
  const repo = 'tls/app';
  const layer = randomBytes(2 * 1024 * 1024);
  let layerDigest: string;

  /** One request over https to the gateway, verifying its certificate against the test CA. */
  const get = (path: string, init: { method?: string; headers?: Record<string, string>; body?: Buffer; base?: string } = {}): Promise<Answer> => {
    const url = new URL(path, init.base ?? https);
    const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
    return new Promise((resolve, reject) => {
      const req = send(
        { host: url.hostname, port: url.port, path: `${url.pathname}${url.search}`, method: init.method ?? 'GET', headers: init.headers, ca, servername: 'localhost', agent: false },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
          res.on('error', reject);
        },
      );
      req.on('error', reject);
      req.end(init.body);
    });
  };

  beforeAll(async () => {
    certDir = mkdtempSync(join(tmpdir(), 'wharf-cert-'));
    const cert = join(certDir, 'ca.crt');
    const key = join(certDir, 'gateway.key');
    execFileSync('openssl', [
      'req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '1', '-subj', '/CN=localhost',
      '-addext', 'subjectAltName=DNS:localhost,IP:127.0.0.1', '-keyout', key, '-out', cert,
    ], { stdio: 'ignore' });
    ca = readFileSync(cert);
    registry = await startTestRegistry({ accelPrefix: ACCEL_PREFIX });
    core = await startEchoServer('core');
    portal = writeSmallPortal();
    gw = await startTestGateway({
      coreUpstream: core.address,
      registryUpstream: new URL(registry.url).host,
      portalRoot: portal.root,
      blobRoot: registry.config.dataDir,
      https: { certificate: cert, privateKey: key },
    });
    https = `https://127.0.0.1:${gw.httpsPort}`;
    const image = makeImage({ layers: [layer] });
    layerDigest = sha256(layer);
    // Pushed directly: the pushes through the gateway are the http test's; here the pull matters.
    const pushed = await pushImage(registry.url, repo, image, 'v1');
    expect(pushed.status).toBe(201);
  });
  afterEach(() => {
    jest.restoreAllMocks();
  });
  afterAll(async () => {
    await gw?.stop();
    if (portal) rmSync(portal.root, { recursive: true, force: true });
    await core?.close();
    await registry?.close();
    if (certDir) rmSync(certDir, { recursive: true, force: true });
  });

  it('nginx -t accepts the rendered file with the certificate', () => {
    const r = testNginxConfig(gw.prefix);
    expect(r.output).toContain('test is successful');
    expect(r.ok).toBe(true);
  });

  it('serves /v2/ over TLS with the configured certificate', async () => {
    const res = await get('/v2/');
    expect(res.status).toBe(200);
    expect(res.headers['docker-distribution-api-version']).toBe('registry/2.0');
  });

  it('a blob pulled over https is byte-identical and sent by nginx from the file, with ranges', async () => {
    const storage = registry.app.get<StorageDriver>(STORAGE);
    const sendTo = jest.spyOn(storage, 'sendTo');
    const read = jest.spyOn(storage, 'read');
    const res = await get(`/v2/${repo}/blobs/${layerDigest}`);
    expect(res.status).toBe(200);
    expect(res.headers['docker-content-digest']).toBe(layerDigest);
    expect(res.body.equals(layer)).toBe(true);
    const ranged = await get(`/v2/${repo}/blobs/${layerDigest}`, { headers: { Range: 'bytes=100-199' } });
    expect(ranged.status).toBe(206);
    expect(ranged.body.equals(layer.subarray(100, 200))).toBe(true);
    expect(sendTo).not.toHaveBeenCalled();
    expect(read).not.toHaveBeenCalled();
  });

  it('core sees X-Forwarded-Proto https and the https Host', async () => {
    const res = await get('/api/v2.0/systeminfo');
    const seen = JSON.parse(res.body.toString()) as EchoedRequest;
    expect(seen.server).toBe('core');
    expect(seen.headers['x-forwarded-proto']).toBe('https');
    expect(seen.headers['host']).toBe(`127.0.0.1:${gw.httpsPort}`);
    expect(seen.headers['x-forwarded-host']).toBe(`127.0.0.1:${gw.httpsPort}`);
    expect(seen.headers['x-forwarded-for']).toBe('127.0.0.1');
  });

  it.each(['/', '/harbor/projects/1/repositories'])('%s is the console page over TLS, with its headers', async (path) => {
    const res = await get(path);
    expect(res.status).toBe(200);
    expect(res.body.toString()).toContain(`src="${portal.script}"`);
    expect(res.headers['cache-control']).toBe('no-cache');
    expect(res.headers['content-security-policy']).toBe(CONSOLE_CSP);
  });

  it('the console script over TLS, cached for a year', async () => {
    const res = await get(portal.script);
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe('text/javascript; charset=utf-8');
    expect(res.headers['cache-control']).toBe('public, max-age=31536000, immutable');
  });

  it.each([
    ['/favicon.ico', 'core'],
    ['/api/v2.0/projects', 'core'],
    ['/service/token?service=harbor-registry', 'core'],
    ['/c/login', 'core'],
    ['/devcenter-api-2.0', 'core'],
  ])('%s goes to %s', async (path, server) => {
    const res = await get(path);
    expect(res.status).toBe(200);
    const seen = JSON.parse(res.body.toString()) as EchoedRequest;
    expect(seen.server).toBe(server);
    expect(seen.url).toBe(path);
  });

  describe('the http port', () => {
    const http = () => `http://127.0.0.1:${gw.httpPort}`;

    it.each(['GET', 'HEAD', 'POST', 'PATCH', 'PUT'])('redirects %s with 308 to https, keeping path and query', async (method) => {
      const res = await get('/v2/tls/app/blobs/uploads/?mount=sha256:abc&from=x%2Fy', { base: http(), method });
      expect(res.status).toBe(308);
      expect(res.headers['location']).toBe(`https://127.0.0.1:${gw.httpsPort}/v2/tls/app/blobs/uploads/?mount=sha256:abc&from=x%2Fy`);
    });

    it('redirects to the host name the client used', async () => {
      const res = await get('/api/v2.0/ping', { base: http(), headers: { Host: `registry.example.test:${gw.httpPort}` } });
      expect(res.status).toBe(308);
      expect(res.headers['location']).toBe(`https://registry.example.test:${gw.httpsPort}/api/v2.0/ping`);
    });

    it('a client following the redirect gets the blob', async () => {
      const first = await get(`/v2/${repo}/blobs/${layerDigest}`, { base: http() });
      expect(first.status).toBe(308);
      const res = await get(first.headers['location'] as string);
      expect(res.status).toBe(200);
      expect(res.body.equals(layer)).toBe(true);
    });

    it('never proxies: core sees nothing sent to it', async () => {
      const res = await get('/api/v2.0/projects', { base: http(), method: 'POST', body: Buffer.from('{}'), headers: { 'Content-Type': 'application/json' } });
      expect(res.status).toBe(308);
      expect(res.body.toString()).not.toContain('"server"');
    });
  });

  describe('a real client (skopeo)', () => {
    const skopeo = (args: string[]): Promise<{ code: number; stdout: string; stderr: string }> =>
      new Promise((resolve) => {
        execFile('skopeo', ['--insecure-policy', ...args], { timeout: 60_000 }, (err, stdout, stderr) => {
          resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stdout, stderr });
        });
      });

    it('copies the image out over https with the certificate verified, the layer sent by nginx', async () => {
      const out = mkdtempSync(join(tmpdir(), 'wharf-skopeo-'));
      const certs = mkdtempSync(join(tmpdir(), 'wharf-certs-'));
      try {
        writeFileSync(join(certs, 'ca.crt'), ca);
        const storage = registry.app.get<StorageDriver>(STORAGE);
        const sendTo = jest.spyOn(storage, 'sendTo');
        const read = jest.spyOn(storage, 'read');
        const r = await skopeo(['copy', '--src-cert-dir', certs, `docker://127.0.0.1:${gw.httpsPort}/${repo}:v1`, `dir:${out}`]);
        expect(`${r.code} ${r.stderr}`).toBe('0 ');
        // skopeo checks every blob against its digest; the layer is among the files it wrote.
        const hex = layerDigest.slice('sha256:'.length);
        expect(readdirSync(out)).toContain(hex);
        expect(readFileSync(join(out, hex)).equals(layer)).toBe(true);
        expect(sendTo).not.toHaveBeenCalled();
        expect(read).not.toHaveBeenCalled();
      } finally {
        rmSync(out, { recursive: true, force: true });
        rmSync(certs, { recursive: true, force: true });
      }
    });

    it('refuses the gateway when it cannot verify the certificate', async () => {
      const r = await skopeo(['inspect', '--raw', `docker://127.0.0.1:${gw.httpsPort}/${repo}:v1`]);
      expect(r.code).not.toBe(0);
      expect(r.stderr).toMatch(/certificate/);
    });

    it('follows the http port redirect to https', async () => {
      const r = await skopeo(['inspect', '--raw', '--tls-verify=false', `docker://127.0.0.1:${gw.httpPort}/${repo}:v1`]);
      expect(`${r.code} ${r.stderr}`).toBe('0 ');
      expect((JSON.parse(r.stdout) as { layers: { digest: string }[] }).layers[0].digest).toBe(layerDigest);
      // It was sent to the http port and redirected, not served there.
      expect(gw.logs().access).toMatch(new RegExp(`"GET /v2/${repo}/manifests/v1 HTTP/1.1" 308 `));
    });
  });
});
