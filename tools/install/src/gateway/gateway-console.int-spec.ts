import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { IncomingHttpHeaders, request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { chromium } from 'playwright-core';
import { installPortalFiles } from '../portal-files';
import { testNginxConfig } from './nginx-command';
import { CONSOLE_CSP } from './nginx-config';
import { EchoedRequest, EchoServer, startEchoServer } from './testing/echo-server';
import { startTestGateway, TestGateway } from './testing/gateway-harness';
import { buildPortal, writeSmallPortal } from './testing/portal-build';

/**
 * The web console as the gateway serves it: the real build (tools/build-portal.mjs) under the
 * rendered config and Debian's nginx, stand-ins for core (signed out) and the registry behind
 * it, and the page itself in Chromium under the Content-Security-Policy.
 */

const CHROMIUM = '/usr/bin/chromium';

interface Answer {
  status: number;
  headers: IncomingHttpHeaders;
  body: Buffer;
}

describe('gateway (nginx) serving the web console', () => {
  let portal: string;
  let core: EchoServer;
  let registry: EchoServer;
  let gw: TestGateway;
  let indexHtml: Buffer;
  /** The entry script index.html loads: /assets/index-<hash>.js */
  let entry: string;

  /** A GET as sent, answer as received: no decompression, no redirects. */
  const get = (path: string, headers: Record<string, string> = {}, method = 'GET'): Promise<Answer> =>
    new Promise((resolve, reject) => {
      const req = request({ host: '127.0.0.1', port: gw.httpPort, path, method, headers, agent: false }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
        res.on('error', reject);
      });
      req.on('error', reject);
      req.end();
    });

  const expectConsoleHeaders = (res: Answer) => {
    expect(res.headers['content-security-policy']).toBe(CONSOLE_CSP);
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(res.headers['referrer-policy']).toBe('same-origin');
    expect(res.headers['x-frame-options']).toBe('DENY');
  };

  beforeAll(async () => {
    portal = await buildPortal();
    indexHtml = readFileSync(join(portal, 'index.html'));
    entry = /<script type="module" crossorigin src="(\/assets\/index-[\w-]+\.js)"><\/script>/.exec(indexHtml.toString())?.[1] ?? '';
    expect(entry).not.toBe('');
    core = await startEchoServer('core', (url) => (url.startsWith('/api/v2.0/users/current') ? 401 : 200));
    registry = await startEchoServer('registry');
    gw = await startTestGateway({ coreUpstream: core.address, registryUpstream: registry.address, blobRoot: tmpdir(), portalRoot: portal });
  }, 120_000);
  afterAll(async () => {
    await gw?.stop();
    await core?.close();
    await registry?.close();
    if (portal) rmSync(portal, { recursive: true, force: true });
  });

  it('nginx -t accepts the rendered file', () => {
    const r = testNginxConfig(gw.prefix);
    expect(r.output).toContain('test is successful');
    expect(r.ok).toBe(true);
  });

  it.each(['/', '/harbor', '/harbor/', '/harbor/projects', '/harbor/projects/1/repositories', '/harbor/sign-in?redirect_url=%2Fharbor%2Fprojects', '/index.html'])(
    '%s is index.html, not cached without asking, with the security headers',
    async (path) => {
      const res = await get(path);
      expect(res.status).toBe(200);
      expect(res.headers['content-type']).toBe('text/html; charset=utf-8');
      expect(res.headers['cache-control']).toBe('no-cache');
      expectConsoleHeaders(res);
      expect(res.body.equals(indexHtml)).toBe(true);
    },
  );

  it('index.html revalidates: 304 for the ETag the browser holds', async () => {
    const first = await get('/harbor/projects');
    const etag = first.headers['etag'] as string;
    expect(etag).toBeTruthy();
    const again = await get('/harbor/projects', { 'If-None-Match': etag });
    expect(again.status).toBe(304);
    expect(again.headers['cache-control']).toBe('no-cache');
  });

  it('a hashed asset is cached for a year, as JavaScript, gzip-compressed when the client accepts it', async () => {
    const file = readFileSync(join(portal, entry));
    const plain = await get(entry);
    expect(plain.status).toBe(200);
    expect(plain.headers['content-type']).toBe('text/javascript; charset=utf-8');
    expect(plain.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    expect(plain.headers['content-encoding']).toBeUndefined();
    expectConsoleHeaders(plain);
    expect(plain.body.equals(file)).toBe(true);

    const gzipped = await get(entry, { 'Accept-Encoding': 'gzip' });
    expect(gzipped.status).toBe(200);
    expect(gzipped.headers['content-encoding']).toBe('gzip');
    expect(gzipped.headers['vary']).toBe('Accept-Encoding');
    expect(gzipped.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    expect(gzipped.body.length).toBeLessThan(file.length / 2);
    expect(gunzipSync(gzipped.body).equals(file)).toBe(true);
    // The build's own best-level .gz is what is sent, not a compression made per request.
    expect(gzipped.body.equals(readFileSync(join(portal, `${entry}.gz`)))).toBe(true);
  });

  it('index.html is compressed too; the favicon is served with its type', async () => {
    const html = await get('/', { 'Accept-Encoding': 'gzip' });
    expect(html.headers['content-encoding']).toBe('gzip');
    expect(gunzipSync(html.body).equals(indexHtml)).toBe(true);
    const icon = await get('/favicon.svg');
    expect(icon.status).toBe(200);
    expect(icon.headers['content-type']).toBe('image/svg+xml');
    expect(icon.headers['cache-control']).toBe('no-cache');
  });

  it.each(['/assets/missing.js', '/assets/index-00000000.css', '/assets/', '/assets/chunks/'])('%s is a 404, not index.html, and not cached', async (path) => {
    const res = await get(path);
    expect(res.status).toBe(404);
    expect(res.body.toString()).not.toContain('<div id="root">');
    expect(res.headers['cache-control']).toBeUndefined();
    expectConsoleHeaders(res);
  });

  describe('API routes are unchanged', () => {
    it.each([
      '/api/v2.0/systeminfo',
      '/api/v2.0/projects?page=2&page_size=15',
      '/c/login',
      '/service/token?service=harbor-registry&scope=repository:a/b:pull',
      '/devcenter-api-2.0',
      '/api/v2.0/health',
    ])('%s reaches core with the path and query unchanged and no console headers', async (path) => {
      const res = await get(path);
      expect(res.status).toBe(200);
      const seen = JSON.parse(res.body.toString()) as EchoedRequest;
      expect(seen.server).toBe('core');
      expect(seen.url).toBe(path);
      expect(seen.headers['x-forwarded-proto']).toBe('http');
      expect(res.headers['content-security-policy']).toBeUndefined();
      expect(res.headers['cache-control']).toBeUndefined();
    });

    it('core answers are not recompressed by the gateway', async () => {
      const res = await get('/api/v2.0/systeminfo', { 'Accept-Encoding': 'gzip' });
      expect(res.headers['content-encoding']).toBeUndefined();
      expect((JSON.parse(res.body.toString()) as EchoedRequest).server).toBe('core');
    });

    it.each(['/v2/', '/v2/library/app/manifests/latest'])('%s reaches the registry with the offload mark', async (path) => {
      const res = await get(path);
      const seen = JSON.parse(res.body.toString()) as EchoedRequest;
      expect(seen.server).toBe('registry');
      expect(seen.url).toBe(path);
      expect(seen.headers['x-wharf-accel']).toBe('1');
      expect(res.headers['content-security-policy']).toBeUndefined();
    });

    it.each(['/chartrepo/library/index.yaml', '/harbormaster', '/assets', '/favicon.ico'])('%s, neither a console page nor a file, still goes to core', async (path) => {
      const res = await get(path);
      const seen = JSON.parse(res.body.toString()) as EchoedRequest;
      expect(seen.server).toBe('core');
      expect(seen.url).toBe(path);
    });

    it('a POST to the API passes; the signed-out current user is core\'s 401', async () => {
      const post = await get('/api/v2.0/projects', {}, 'POST');
      expect((JSON.parse(post.body.toString()) as EchoedRequest).method).toBe('POST');
      expect((await get('/api/v2.0/users/current')).status).toBe(401);
    });
  });

  it(
    'in Chromium, a deep link reloads into the sign-in form with no Content-Security-Policy violation',
    async () => {
      if (!existsSync(CHROMIUM)) throw new Error(`this test needs Chromium at ${CHROMIUM} (Debian's package chromium)`);
      const browser = await chromium.launch({
        executablePath: CHROMIUM,
        args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
      });
      try {
        const page = await browser.newPage();
        const problems: string[] = [];
        page.on('pageerror', (err) => problems.push(`page error: ${err.message}`));
        page.on('console', (msg) => {
          // The signed-out user's 401 is the one expected failure.
          if (msg.type() === 'error' && !msg.text().includes('401')) problems.push(`console: ${msg.text()}`);
        });
        // Page-side code as text: this project's TypeScript has no DOM types.
        await page.addInitScript({
          content: `window.cspViolations = [];
            document.addEventListener('securitypolicyviolation', (e) => window.cspViolations.push(e.violatedDirective + ' ' + e.blockedURI));`,
        });
        await page.goto(`${gw.url}/harbor/projects/1/repositories`);
        await page.waitForURL(/\/harbor\/sign-in\?redirect_url=%2Fharbor%2Fprojects%2F1%2Frepositories$/);
        await page.getByLabel('Username').waitFor();
        await page.getByLabel('Password').waitFor();
        await page.getByRole('button', { name: 'Log in' }).waitFor();
        // antd's inline <style> elements applied: the button has its theme colour, not the default grey.
        const background = await page.getByRole('button', { name: 'Log in' }).evaluate('(button) => getComputedStyle(button).backgroundColor') as string;
        expect(background).not.toBe('rgba(0, 0, 0, 0)');
        expect(background).not.toBe('rgb(239, 239, 239)');
        const violations = () => page.evaluate<string[]>('window.cspViolations');
        expect(await violations()).toEqual([]);
        await page.reload();
        await page.getByRole('button', { name: 'Log in' }).waitFor();
        expect(await violations()).toEqual([]);
        expect(problems).toEqual([]);
      } finally {
        await browser.close();
      }
    },
    60_000,
  );

  it('a running gateway switches to a build the installer puts behind its link, without a reload', async () => {
    const run = mkdtempSync(join(tmpdir(), 'wharf-run-'));
    const served = join(run, 'portal');
    const next = writeSmallPortal();
    let other: TestGateway | undefined;
    try {
      installPortalFiles(portal, served);
      other = await startTestGateway({ coreUpstream: core.address, registryUpstream: registry.address, blobRoot: tmpdir(), portalRoot: served });
      const before = await fetch(`${other.url}/harbor/projects`);
      expect(Buffer.from(await before.arrayBuffer()).equals(indexHtml)).toBe(true);
      expect((await fetch(`${other.url}${entry}`)).status).toBe(200);

      expect(installPortalFiles(next.root, served)).toBe(true);
      const after = await fetch(`${other.url}/harbor/projects`);
      expect(await after.text()).toContain(`src="${next.script}"`);
      expect((await fetch(`${other.url}${next.script}`)).headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
      expect((await fetch(`${other.url}${entry}`)).status).toBe(404);
    } finally {
      await other?.stop();
      rmSync(run, { recursive: true, force: true });
      rmSync(next.root, { recursive: true, force: true });
    }
  });
});
