import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, request, Server } from 'node:http';
import { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { acceptsGzip, fileHeaders, routeRequest, startStaticServer, StaticServer } from './static-server';

describe('routeRequest', () => {
  const dir = '/srv/portal';
  const files = new Set(['/srv/portal/index.html', '/srv/portal/assets/index-abc.js', '/srv/portal/favicon.svg']);
  const isFile = (p: string) => files.has(p);

  it("passes the installation's paths on", () => {
    for (const p of ['/api/v2.0/projects', '/c/login', '/service/token', '/v2/', '/v2']) expect(routeRequest(p, dir, isFile)).toEqual({ kind: 'proxy' });
  });

  it("serves the build's files, and index.html for the console's routes", () => {
    expect(routeRequest('/assets/index-abc.js', dir, isFile)).toEqual({ kind: 'file', file: '/srv/portal/assets/index-abc.js' });
    expect(routeRequest('/favicon.svg', dir, isFile)).toEqual({ kind: 'file', file: '/srv/portal/favicon.svg' });
    for (const p of ['/', '/harbor', '/harbor/projects/3/repositories/team%2Fapp']) expect(routeRequest(p, dir, isFile)).toEqual({ kind: 'file', file: '/srv/portal/index.html' });
  });

  it('serves nothing outside the directory and no made-up asset', () => {
    expect(routeRequest('/assets/missing.js', dir, isFile)).toEqual({ kind: 'not-found' });
    expect(routeRequest('/../etc/passwd', dir, () => true)).toEqual({ kind: 'not-found' });
    expect(routeRequest('/%2e%2e/etc/passwd', dir, () => true)).toEqual({ kind: 'not-found' });
    expect(routeRequest('/%E0%A4%A', dir, isFile)).toEqual({ kind: 'not-found' });
  });
});

describe('acceptsGzip', () => {
  it('reads Accept-Encoding as browsers send it, q=0 refusing', () => {
    expect(acceptsGzip('gzip, deflate, br, zstd')).toBe(true);
    expect(acceptsGzip('br;q=1.0, gzip;q=0.5')).toBe(true);
    expect(acceptsGzip('*')).toBe(true);
    expect(acceptsGzip('gzip;q=0')).toBe(false);
    expect(acceptsGzip('br')).toBe(false);
    expect(acceptsGzip(undefined)).toBe(false);
  });
});

describe('fileHeaders', () => {
  it('compresses text only, caches hashed assets for a year and index.html never without asking', () => {
    expect(fileHeaders('/d/assets/a-1.js', '/d', true)).toEqual({
      'content-type': 'text/javascript; charset=utf-8',
      'cache-control': 'public, max-age=31536000, immutable',
      vary: 'Accept-Encoding',
      'content-encoding': 'gzip',
    });
    expect(fileHeaders('/d/assets/a-1.js', '/d', false)['content-encoding']).toBeUndefined();
    expect(fileHeaders('/d/index.html', '/d', true)).toMatchObject({ 'cache-control': 'no-cache', 'content-encoding': 'gzip' });
    expect(fileHeaders('/d/assets/logo.png', '/d', true)).toEqual({ 'content-type': 'image/png', 'cache-control': 'public, max-age=31536000, immutable' });
  });
});

describe('startStaticServer', () => {
  let dir: string;
  let upstream: Server;
  let server: StaticServer;
  const seen: { method?: string; url?: string; host?: string; body: string }[] = [];

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'console-static-'));
    mkdirSync(join(dir, 'assets'));
    writeFileSync(join(dir, 'index.html'), '<!doctype html><div id="root"></div>');
    writeFileSync(join(dir, 'assets', 'app-1.js'), 'console.log("wharf");\n'.repeat(200));
    upstream = createServer((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString()));
      req.on('end', () => {
        seen.push({ method: req.method, url: req.url, host: req.headers.host, body });
        res.writeHead(201, { 'set-cookie': 'sid=abc; Path=/; HttpOnly', 'x-total-count': '7' });
        res.end('{"ok":true}');
      });
    });
    await new Promise<void>((r) => upstream.listen(0, '127.0.0.1', r));
    server = await startStaticServer(dir, `http://127.0.0.1:${(upstream.address() as AddressInfo).port}`);
  });

  afterAll(async () => {
    await server.close();
    await new Promise((r) => upstream.close(r));
    rmSync(dir, { recursive: true, force: true });
  });

  function get(path: string, headers: Record<string, string> = {}, method = 'GET', body?: string): Promise<{ status: number; headers: Record<string, unknown>; body: Buffer }> {
    return new Promise((resolve, reject) => {
      const req = request(`${server.url}${path}`, { method, headers }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
      });
      req.on('error', reject);
      req.end(body);
    });
  }

  it('sends scripts gzip-compressed to a browser that accepts it, plain otherwise', async () => {
    const zipped = await get('/assets/app-1.js', { 'accept-encoding': 'gzip, deflate, br' });
    expect(zipped.status).toBe(200);
    expect(zipped.headers['content-encoding']).toBe('gzip');
    expect(zipped.body.length).toBeLessThan(200);
    expect(gunzipSync(zipped.body).toString()).toBe('console.log("wharf");\n'.repeat(200));
    const plain = await get('/assets/app-1.js');
    expect(plain.headers['content-encoding']).toBeUndefined();
    expect(plain.body.length).toBe(22 * 200);
  });

  it("answers the console's routes with index.html and unknown files with 404", async () => {
    const page = await get('/harbor/projects/1/members');
    expect(page.status).toBe(200);
    expect(page.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(page.body.toString()).toContain('<div id="root">');
    expect((await get('/assets/gone.js')).status).toBe(404);
  });

  it('passes API requests on with their method and body, and the answer back with its headers', async () => {
    const res = await get('/c/login?x=1', { 'content-type': 'application/x-www-form-urlencoded' }, 'POST', 'principal=admin');
    expect(res.status).toBe(201);
    expect(res.headers['set-cookie']).toEqual(['sid=abc; Path=/; HttpOnly']);
    expect(res.headers['x-total-count']).toBe('7');
    expect(seen.at(-1)).toMatchObject({ method: 'POST', url: '/c/login?x=1', body: 'principal=admin', host: expect.stringMatching(/^127\.0\.0\.1:\d+$/) });
  });

  it('refuses a directory without a build', async () => {
    await expect(startStaticServer(join(dir, 'assets'), 'http://127.0.0.1:1')).rejects.toThrow(/no index.html/);
  });
});
