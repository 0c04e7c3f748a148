import { createHash, randomBytes } from 'node:crypto';
import { request as httpRequest, IncomingHttpHeaders } from 'node:http';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { RegistryConfig } from '../config';
import { closeRegistry, createRegistryApp } from '../server';
import { RegistryHarness, sha256, TestImage } from '../testing';

/**
 * Shared pieces of the OCI Distribution v1.1 conformance suite: raw HTTP for what fetch cannot
 * express, OCI error assertions, and builders for the manifest types the harness does not make.
 */

export const OCI_MANIFEST = 'application/vnd.oci.image.manifest.v1+json';
export const OCI_INDEX = 'application/vnd.oci.image.index.v1+json';
export const OCI_ARTIFACT = 'application/vnd.oci.artifact.manifest.v1+json';
export const DOCKER_MANIFEST = 'application/vnd.docker.distribution.manifest.v2+json';
export const DOCKER_LIST = 'application/vnd.docker.distribution.manifest.list.v2+json';
export const OCI_EMPTY = 'application/vnd.oci.empty.v1+json';

export interface Descriptor {
  mediaType: string;
  digest: string;
  size: number;
  platform?: { os: string; architecture: string };
  artifactType?: string;
  annotations?: Record<string, string>;
}

export interface OciErrorBody {
  errors: { code: string; message: string; detail?: unknown }[];
}

export function sha512(data: Buffer | string): string {
  return 'sha512:' + createHash('sha512').update(data).digest('hex');
}

export function randomBlob(size: number): Buffer {
  return randomBytes(size);
}

/** A repository name no other test in the file uses. */
export function uniqueRepo(prefix: string): string {
  return `${prefix}-${randomBytes(4).toString('hex')}`;
}

export function abs(base: string, location: string | null | undefined): string {
  if (!location) throw new Error('response has no Location header');
  return new URL(location, base).toString();
}

export async function bytesOf(res: Response): Promise<Buffer> {
  return Buffer.from(await res.arrayBuffer());
}

/**
 * Asserts an error response of the Distribution API: the status, a JSON body of the
 * `{"errors":[{code,message}]}` shape, and (when given) the first error's code.
 */
export async function expectOciError(res: Response, status: number, code?: string): Promise<OciErrorBody> {
  const text = await res.text();
  expectStatus(res.status, text, status);
  return checkErrorBody(res.headers.get('content-type'), text, code);
}

export function expectRawOciError(res: RawResponse, status: number, code?: string): OciErrorBody {
  const text = res.body.toString('utf8');
  expectStatus(res.status, text, status);
  const ct = res.headers['content-type'];
  return checkErrorBody(typeof ct === 'string' ? ct : null, text, code);
}

/** Compares the status with the body in view, so that a failure shows what the server said. */
function expectStatus(actual: number, body: string, expected: number): void {
  expect(`${actual} ${body.slice(0, 300)}`).toBe(`${expected} ${body.slice(0, 300)}`);
}

function checkErrorBody(contentType: string | null, text: string, code: string | undefined): OciErrorBody {
  expect(contentType ?? '').toMatch(/^application\/json/);
  let body: OciErrorBody;
  try {
    body = JSON.parse(text) as OciErrorBody;
  } catch {
    throw new Error(`expected an OCI error body, got ${JSON.stringify(text.slice(0, 200))}`);
  }
  expect(Array.isArray(body.errors)).toBe(true);
  expect(body.errors.length).toBeGreaterThan(0);
  for (const e of body.errors) {
    expect(typeof e.code).toBe('string');
    expect(typeof e.message).toBe('string');
  }
  if (code !== undefined) expect(body.errors[0].code).toBe(code);
  return body;
}

// ---------------------------------------------------------------------------------------------
// Raw HTTP
// ---------------------------------------------------------------------------------------------

export interface RawResponse {
  status: number;
  headers: IncomingHttpHeaders;
  body: Buffer;
}

export interface RawRequest {
  method: string;
  /** Sent verbatim: no normalisation of `..`, no re-encoding. */
  path: string;
  headers?: Record<string, string | number>;
  body?: Buffer | string;
}

/**
 * One request over a fresh connection, the path and headers exactly as given (Content-Length is
 * whatever the caller says, or the body's length). Resolves with the response even when the server
 * answers before it has read the whole body and closes the connection.
 */
export function rawRequest(base: string, req: RawRequest): Promise<RawResponse> {
  const url = new URL(base);
  const body = req.body === undefined ? undefined : Buffer.isBuffer(req.body) ? req.body : Buffer.from(req.body);
  const headers: Record<string, string | number> = { ...(req.headers ?? {}) };
  const hasLength = Object.keys(headers).some((h) => h.toLowerCase() === 'content-length');
  if (!hasLength && body !== undefined) headers['Content-Length'] = body.length;
  return new Promise((resolve, reject) => {
    let settled = false;
    const r = httpRequest(
      { host: url.hostname, port: url.port, method: req.method, path: req.path, headers, agent: false },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          settled = true;
          resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) });
        });
        res.on('error', (err) => {
          if (!settled) reject(err);
        });
      },
    );
    r.on('error', (err) => {
      // An early answer followed by a closed connection makes our remaining writes fail; the
      // response handler above still settles the promise.
      setTimeout(() => {
        if (!settled) reject(err);
      }, 200);
    });
    if (body !== undefined) r.write(body);
    r.end();
  });
}

/**
 * Declares `declaredLength` body bytes, sends only `sent`, then destroys the connection. Resolves
 * once the socket is closed, with the response if the server answered first.
 */
export function sendTruncated(base: string, req: { method: string; path: string; headers?: Record<string, string>; declaredLength: number; sent: Buffer }): Promise<RawResponse | undefined> {
  const url = new URL(base);
  return new Promise((resolve) => {
    let response: RawResponse | undefined;
    const r = httpRequest({
      host: url.hostname,
      port: url.port,
      method: req.method,
      path: req.path,
      headers: { ...(req.headers ?? {}), 'Content-Length': req.declaredLength },
      agent: false,
    });
    r.on('response', (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        response = { status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) };
      });
    });
    r.on('error', () => undefined);
    r.on('close', () => resolve(response));
    r.write(req.sent);
    r.flushHeaders();
    // Give the server time to start consuming the body before the client disappears.
    setTimeout(() => r.destroy(), 150);
  });
}

// ---------------------------------------------------------------------------------------------
// Uploads
// ---------------------------------------------------------------------------------------------

/** POST /blobs/uploads/ and returns the absolute session URL. */
export async function startUpload(url: string, repo: string): Promise<string> {
  const res = await fetch(`${url}/v2/${repo}/blobs/uploads/`, { method: 'POST' });
  expect(res.status).toBe(202);
  return abs(url, res.headers.get('location'));
}

/** Adds `digest=` to a session URL that may already carry a query. */
export function withDigest(location: string, digest: string): string {
  const u = new URL(location);
  u.searchParams.set('digest', digest);
  return u.toString();
}

export function patchChunk(location: string, chunk: Buffer, start: number): Promise<Response> {
  return fetch(location, {
    method: 'PATCH',
    body: new Uint8Array(chunk),
    headers: {
      'Content-Type': 'application/octet-stream',
      'Content-Range': `${start}-${start + chunk.length - 1}`,
    },
  });
}

/**
 * Closes a registry while reaping keep-alive sockets that become idle only after the close began.
 * Without this a socket that was still finishing a streamed blob response when close() was called
 * keeps the process open for the whole keepAliveTimeout (see "shuts down promptly" in
 * base-and-routing, which asserts the behaviour without this help).
 */
export async function closePromptly(app: NestFastifyApplication, close: () => Promise<void> = () => closeRegistry(app)): Promise<void> {
  const server = app.getHttpServer();
  const reaper = setInterval(() => server.closeIdleConnections(), 25);
  try {
    await close();
  } finally {
    clearInterval(reaper);
  }
}

/** Closes a test harness (and drops its database) with `closePromptly`. */
export function stopRegistry(r: RegistryHarness): Promise<void> {
  return closePromptly(r.app, () => r.close());
}

/** A second registry process on the same database and data directory. */
export async function startSibling(config: RegistryConfig): Promise<{ url: string; app: NestFastifyApplication; close(): Promise<void> }> {
  const app = await createRegistryApp(config);
  await app.listen(0, '127.0.0.1');
  const address = app.getHttpServer().address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return { url: `http://127.0.0.1:${port}`, app, close: () => closePromptly(app) };
}

// ---------------------------------------------------------------------------------------------
// Manifests
// ---------------------------------------------------------------------------------------------

export function descriptorOf(body: Buffer, mediaType: string, extra: Partial<Descriptor> = {}): Descriptor {
  return { mediaType, digest: sha256(body), size: body.length, ...extra };
}

export function imageDescriptor(image: TestImage, platform?: { os: string; architecture: string }): Descriptor {
  return descriptorOf(image.manifest, image.mediaType, platform ? { platform } : {});
}

export function makeIndex(children: Descriptor[], opts: { mediaType?: string; subject?: Descriptor; artifactType?: string; annotations?: Record<string, string> } = {}): Buffer {
  return Buffer.from(
    JSON.stringify({
      schemaVersion: 2,
      mediaType: opts.mediaType ?? OCI_INDEX,
      ...(opts.artifactType ? { artifactType: opts.artifactType } : {}),
      manifests: children,
      ...(opts.subject ? { subject: opts.subject } : {}),
      ...(opts.annotations ? { annotations: opts.annotations } : {}),
    }),
  );
}

export function makeArtifactManifest(opts: { artifactType: string; blobs?: Descriptor[]; subject?: Descriptor; annotations?: Record<string, string> }): Buffer {
  return Buffer.from(
    JSON.stringify({
      mediaType: OCI_ARTIFACT,
      artifactType: opts.artifactType,
      blobs: opts.blobs ?? [],
      ...(opts.subject ? { subject: opts.subject } : {}),
      ...(opts.annotations ? { annotations: opts.annotations } : {}),
    }),
  );
}

/** The OCI empty config `{}` used by artifacts built on the image manifest. */
export const EMPTY_CONFIG = Buffer.from('{}');
