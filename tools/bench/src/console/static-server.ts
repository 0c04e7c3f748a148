import { createReadStream, existsSync, statSync } from 'node:fs';
import { createServer, IncomingMessage, request as httpRequest, Server, ServerResponse } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { AddressInfo } from 'node:net';
import { extname, join, normalize, resolve, sep } from 'node:path';
import { pipeline } from 'node:stream';
import { constants, createGzip } from 'node:zlib';

/**
 * A production build of the console served the way a gateway serves it, for measuring the
 * console before a gateway serves it: files from one directory (index.html for every console
 * route), gzip level 6 for text when the browser accepts it, hashed assets cacheable for a year,
 * and the API paths passed on to an installation.
 */

const PROXIED = ['/api/', '/c/', '/service/', '/v2/'];

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.txt': 'text/plain; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
};
const COMPRESSED_TYPES = new Set(['.html', '.js', '.mjs', '.css', '.json', '.svg', '.txt', '.map']);

export type StaticRoute = { kind: 'proxy' } | { kind: 'file'; file: string } | { kind: 'not-found' };

/** Where a request path goes: the installation, a file of `dir` (absolute), index.html (console routes), or nowhere. */
export function routeRequest(pathname: string, dir: string, isFile: (path: string) => boolean): StaticRoute {
  if (pathname === '/v2' || PROXIED.some((p) => pathname.startsWith(p))) return { kind: 'proxy' };
  let decoded: string;
  try {
    decoded = decodeURIComponent(pathname);
  } catch {
    return { kind: 'not-found' };
  }
  const file = normalize(join(dir, decoded));
  if (file.startsWith(dir + sep) && !decoded.includes('\0') && isFile(file)) return { kind: 'file', file };
  if (pathname === '/' || pathname === '/harbor' || pathname.startsWith('/harbor/')) return { kind: 'file', file: join(dir, 'index.html') };
  return { kind: 'not-found' };
}

/** Whether an Accept-Encoding header takes gzip (and does not refuse it with q=0). */
export function acceptsGzip(header: string | undefined): boolean {
  for (const part of (header ?? '').split(',')) {
    const [coding, ...params] = part.trim().toLowerCase().split(';');
    if (coding !== 'gzip' && coding !== '*') continue;
    const q = params.map((p) => p.trim()).find((p) => p.startsWith('q='));
    return q === undefined || Number(q.slice(2)) > 0;
  }
  return false;
}

/** Content-Type, compression and caching of a served file, as the headers to send. */
export function fileHeaders(file: string, dir: string, gzip: boolean): Record<string, string> {
  const ext = extname(file).toLowerCase();
  const compress = gzip && COMPRESSED_TYPES.has(ext);
  const hashedAsset = file.startsWith(join(dir, 'assets') + sep);
  return {
    'content-type': TYPES[ext] ?? 'application/octet-stream',
    'cache-control': hashedAsset ? 'public, max-age=31536000, immutable' : 'no-cache',
    ...(COMPRESSED_TYPES.has(ext) ? { vary: 'Accept-Encoding' } : {}),
    ...(compress ? { 'content-encoding': 'gzip' } : {}),
  };
}

export interface StaticServer {
  url: string;
  close(): Promise<void>;
}

function serveFile(req: IncomingMessage, res: ServerResponse, file: string, dir: string): void {
  const headers = fileHeaders(file, dir, acceptsGzip(req.headers['accept-encoding']));
  res.writeHead(200, headers);
  if (req.method === 'HEAD') {
    res.end();
    return;
  }
  const done = (err: Error | null) => {
    if (err) res.destroy(err);
  };
  if (headers['content-encoding'] === 'gzip') pipeline(createReadStream(file), createGzip({ level: 6, flush: constants.Z_NO_FLUSH }), res, done);
  else pipeline(createReadStream(file), res, done);
}

function proxy(req: IncomingMessage, res: ServerResponse, target: URL): void {
  const send = target.protocol === 'https:' ? httpsRequest : httpRequest;
  const upstream = send(
    {
      host: target.hostname,
      port: target.port || (target.protocol === 'https:' ? 443 : 80),
      method: req.method,
      path: req.url,
      headers: { ...req.headers, host: target.host },
    },
    (answer) => {
      res.writeHead(answer.statusCode ?? 502, answer.headers);
      pipeline(answer, res, () => undefined);
    },
  );
  upstream.on('error', (err) => {
    if (!res.headersSent) res.writeHead(502, { 'content-type': 'text/plain' });
    res.end(`the installation did not answer: ${err.message}`);
  });
  pipeline(req, upstream, () => undefined);
}

/** Serves `dir` on a free loopback port, passing the API paths on to `apiUrl`. */
export async function startStaticServer(dir: string, apiUrl: string): Promise<StaticServer> {
  const root = resolve(dir);
  if (!existsSync(join(root, 'index.html'))) throw new Error(`${dir} has no index.html: build the console first (node tools/build-portal.mjs)`);
  const target = new URL(apiUrl);
  const isFile = (p: string) => {
    try {
      return statSync(p).isFile();
    } catch {
      return false;
    }
  };
  const server: Server = createServer((req, res) => {
    const pathname = new URL(req.url ?? '/', 'http://localhost').pathname;
    const route = routeRequest(pathname, root, isFile);
    if (route.kind === 'proxy') proxy(req, res, target);
    else if (route.kind === 'file' && (req.method === 'GET' || req.method === 'HEAD')) serveFile(req, res, route.file, root);
    else if (route.kind === 'file') {
      res.writeHead(405, { allow: 'GET, HEAD' });
      res.end();
    } else {
      res.writeHead(404, { 'content-type': 'text/plain' });
      res.end('not found');
    }
  });
  server.keepAliveTimeout = 65_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
