import { performance } from 'node:perf_hooks';
import { parentPort } from 'node:worker_threads';
import { slices } from './blob';
import { expectStatus, keepAliveAgent, request, resolveLocation } from './http';
import { makeSmallImage, MANIFEST_ACCEPT, OCI_MANIFEST, sha256, SmallImage } from './image';
import { rawGet } from './raw-get';
import { RawConnection } from './raw-http';
import type { LoadResult, LoadTask } from './tasks';
import { basicAuthorization, parseBearerChallenge, RegistryLogin, repositoryScope, RepositoryAction, tokenOf, tokenUrl } from './token';

/** A load-generating thread: runs one task at a time for the main thread (see pool.ts). */

const now = () => performance.timeOrigin + performance.now();

async function pushMonolithic(task: Extract<LoadTask, { kind: 'push-monolithic' }>): Promise<LoadResult> {
  const agent = keepAliveAgent(1);
  const base = new URL(task.base);
  const startMs = now();
  const started = await request(agent, new URL(`/v2/${task.repo}/blobs/uploads/`, base), { method: 'POST', collect: true });
  expectStatus(started, 'start upload', 202);
  const put = await request(agent, resolveLocation(base, started.headers.location, { digest: task.blob.digest }), {
    method: 'PUT',
    headers: { 'Content-Type': 'application/octet-stream', 'Content-Length': task.blob.size },
    body: slices(task.blob, 0, task.blob.size),
    collect: true,
  });
  expectStatus(put, 'complete upload', 201);
  checkDigest(put.headers['docker-content-digest'], task.blob.digest);
  const endMs = now();
  agent.destroy();
  return { startMs, endMs, bytes: task.blob.size, requests: 2, errors: 0 };
}

async function pushChunked(task: Extract<LoadTask, { kind: 'push-chunked' }>): Promise<LoadResult> {
  const agent = keepAliveAgent(1);
  const base = new URL(task.base);
  const startMs = now();
  const started = await request(agent, new URL(`/v2/${task.repo}/blobs/uploads/`, base), { method: 'POST', collect: true });
  expectStatus(started, 'start upload', 202);
  let location = started.headers.location;
  let requests = 1;
  for (let at = 0; at < task.blob.size; at += task.chunkBytes) {
    const end = Math.min(at + task.chunkBytes, task.blob.size);
    const res = await request(agent, resolveLocation(base, location), {
      method: 'PATCH',
      headers: { 'Content-Type': 'application/octet-stream', 'Content-Length': end - at, 'Content-Range': `${at}-${end - 1}` },
      body: slices(task.blob, at, end),
      collect: true,
    });
    expectStatus(res, `upload chunk at ${at}`, 202);
    location = res.headers.location;
    requests++;
  }
  const put = await request(agent, resolveLocation(base, location, { digest: task.blob.digest }), { method: 'PUT', collect: true });
  expectStatus(put, 'complete upload', 201);
  checkDigest(put.headers['docker-content-digest'], task.blob.digest);
  const endMs = now();
  agent.destroy();
  return { startMs, endMs, bytes: task.blob.size, requests: requests + 1, errors: 0 };
}

/** Parallel blob reads, each on its own connection, bytes counted and dropped (see raw-get.ts). */
async function pull(task: Extract<LoadTask, { kind: 'pull' }>): Promise<LoadResult> {
  const url = new URL(task.url);
  const startMs = now();
  const sizes = await Promise.all(
    Array.from({ length: task.streams }, async () => {
      let res = await rawGet(url);
      // A registry may redirect blob reads to its storage; follow once, as clients do.
      if (res.status === 307 || res.status === 302) res = await rawGet(resolveLocation(url, res.headers['location']));
      if (res.status !== 200) throw new Error(`pull blob: expected HTTP 200, got ${res.status}`);
      if (res.bytes !== task.expectBytes) throw new Error(`pull blob: read ${res.bytes} bytes, expected ${task.expectBytes}`);
      return res.bytes;
    }),
  );
  const endMs = now();
  return { startMs, endMs, bytes: sizes.reduce((a, b) => a + b, 0), requests: task.streams, errors: 0 };
}

/** Closed loop: each connection sends its next request when the previous answer has been read. */
async function getLoad(task: Extract<LoadTask, { kind: 'get-load' }>): Promise<LoadResult> {
  const agent = keepAliveAgent(task.connections);
  const url = new URL(task.url);
  const latencies: number[] = [];
  let errors = 0;
  let bytes = 0;
  let firstError: string | undefined;
  const startMs = now();
  const deadline = startMs + task.durationMs;
  await Promise.all(
    Array.from({ length: task.connections }, async () => {
      while (now() < deadline) {
        const t0 = performance.now();
        try {
          const res = await request(agent, url, { method: 'GET', headers: task.headers });
          latencies.push(performance.now() - t0);
          bytes += res.bytes;
          if (res.status !== 200) {
            errors++;
            firstError ??= `HTTP ${res.status}`;
          }
        } catch (err) {
          errors++;
          firstError ??= (err as Error).message;
        }
      }
    }),
  );
  const endMs = now();
  agent.destroy();
  return { startMs, endMs, bytes, requests: latencies.length, errors, firstError, latenciesMs: Float64Array.from(latencies) };
}

/**
 * A client's connections for one lane of image pushes or pulls: one keep-alive connection per host
 * it talks to (the registry, and the token realm where that is another host), as docker's client
 * keeps one pool per host.
 */
class Lane {
  private readonly connections = new Map<string, RawConnection>();

  to(url: URL): RawConnection {
    let c = this.connections.get(url.host);
    if (!c) {
      c = new RawConnection(url.hostname, Number(url.port || 80));
      this.connections.set(url.host, c);
    }
    return c;
  }

  close(): void {
    for (const c of this.connections.values()) c.close();
  }
}

/**
 * What docker does before each push or pull of a repository (see token.ts): the /v2/ challenge,
 * then a token of the repository's scope for the login; returns the header every request of the
 * operation then carries, and the requests it took.
 */
async function authorize(lane: Lane, base: URL, login: RegistryLogin, repo: string, actions: RepositoryAction[]): Promise<{ headers: Record<string, string>; requests: number }> {
  const ping = await lane.to(base).exchange('GET', '/v2/');
  expectStatus(ping, 'GET /v2/ without a token', 401);
  const url = tokenUrl(parseBearerChallenge(ping.headers['www-authenticate']), [repositoryScope(repo, actions)]);
  const res = await lane.to(url).exchange('GET', url.pathname + url.search, { Authorization: basicAuthorization(login) });
  expectStatus(res, `GET ${url.pathname} (token of ${repo})`, 200);
  return { headers: { Authorization: `Bearer ${tokenOf(res.body)}` }, requests: 2 };
}

interface ImageWork {
  requests: number;
  bytes: number;
  manifestDigest: string;
}

/**
 * Runs `one` for every tag over `concurrency` lanes, each taking the next tag when its previous
 * image is done; times each image from its first request to its last.
 */
async function perImage(task: { tags: string[]; concurrency: number }, one: (lane: Lane, tag: string) => Promise<ImageWork>): Promise<LoadResult> {
  const latencies: number[] = [];
  const manifests: Record<string, string> = {};
  let requests = 0;
  let bytes = 0;
  let next = 0;
  const lanes = Array.from({ length: Math.min(task.concurrency, task.tags.length) }, () => new Lane());
  const startMs = now();
  try {
    await Promise.all(
      lanes.map(async (lane) => {
        while (next < task.tags.length) {
          const tag = task.tags[next++];
          const t0 = performance.now();
          const done = await one(lane, tag);
          latencies.push(performance.now() - t0);
          requests += done.requests;
          bytes += done.bytes;
          manifests[tag] = done.manifestDigest;
        }
      }),
    );
  } finally {
    for (const lane of lanes) lane.close();
  }
  const endMs = now();
  return { startMs, endMs, bytes, requests, errors: 0, latenciesMs: Float64Array.from(latencies), manifests };
}

/** Pushes each image as clients do: HEAD each blob, POST + PUT the missing ones, PUT the manifest. */
async function pushImages(task: Extract<LoadTask, { kind: 'push-images' }>): Promise<LoadResult> {
  const base = new URL(task.base);
  // Built before the clock starts: generating test data is not the registry's time.
  const images = new Map(task.tags.map((tag) => [tag, makeSmallImage(`${task.repo}:${tag}`)]));
  return perImage(task, async (lane, tag) => {
    const image = images.get(tag) as SmallImage;
    const c = lane.to(base);
    const auth = task.login ? await authorize(lane, base, task.login, task.repo, ['pull', 'push']) : { headers: {}, requests: 0 };
    let requests = auth.requests;
    let bytes = 0;
    const pushBlob = async (digest: string, data: Buffer) => {
      const head = await c.exchange('HEAD', `/v2/${task.repo}/blobs/${digest}`, auth.headers);
      requests++;
      if (head.status === 200) return;
      expectStatus(head, `HEAD blob ${digest}`, 404);
      const started = await c.exchange('POST', `/v2/${task.repo}/blobs/uploads/`, auth.headers);
      expectStatus(started, 'start upload', 202);
      const target = resolveLocation(base, started.headers['location'], { digest });
      const put = await c.exchange('PUT', target.pathname + target.search, { ...auth.headers, 'Content-Type': 'application/octet-stream' }, data);
      expectStatus(put, 'complete upload', 201);
      requests += 2;
      bytes += data.length;
    };
    await pushBlob(image.configDigest, image.config);
    await pushBlob(image.layerDigest, image.layer);
    const put = await c.exchange('PUT', `/v2/${task.repo}/manifests/${tag}`, { ...auth.headers, 'Content-Type': OCI_MANIFEST }, image.manifest);
    expectStatus(put, `PUT manifest ${tag}`, 201);
    checkDigest(put.headers['docker-content-digest'], image.manifestDigest);
    return { requests: requests + 1, bytes: bytes + image.manifest.length, manifestDigest: image.manifestDigest };
  });
}

/**
 * Pulls each image as docker does: GET the manifest by tag, then each blob it names (config
 * first), checking every digest.
 */
async function pullImages(task: Extract<LoadTask, { kind: 'pull-images' }>): Promise<LoadResult> {
  const base = new URL(task.base);
  return perImage(task, async (lane, tag) => {
    const c = lane.to(base);
    const auth = task.login ? await authorize(lane, base, task.login, task.repo, ['pull']) : { headers: {}, requests: 0 };
    const got = await c.exchange('GET', `/v2/${task.repo}/manifests/${tag}`, { ...auth.headers, Accept: MANIFEST_ACCEPT });
    expectStatus(got, `GET manifest ${tag}`, 200);
    const manifestDigest = sha256(got.body);
    checkDigest(got.headers['docker-content-digest'], manifestDigest);
    const manifest = JSON.parse(got.body.toString('utf8')) as { config: { digest: string }; layers: { digest: string }[] };
    let requests = auth.requests + 1;
    let bytes = got.body.length;
    for (const { digest } of [manifest.config, ...manifest.layers]) {
      let blob = await c.exchange('GET', `/v2/${task.repo}/blobs/${digest}`, auth.headers);
      requests++;
      // A registry may redirect blob reads to its storage; follow once, as clients do.
      if (blob.status === 307 || blob.status === 302) {
        const to = resolveLocation(base, blob.headers['location']);
        blob = await lane.to(to).exchange('GET', to.pathname + to.search);
        requests++;
      }
      expectStatus(blob, `GET blob ${digest}`, 200);
      if (sha256(blob.body) !== digest) throw new Error(`blob ${digest} of ${tag} arrived with digest ${sha256(blob.body)}`);
      bytes += blob.body.length;
    }
    return { requests, bytes, manifestDigest };
  });
}

function checkDigest(got: string | string[] | undefined, expected: string): void {
  if (got !== undefined && got !== expected) throw new Error(`registry answered digest ${String(got)}, expected ${expected}`);
}

function run(task: LoadTask): Promise<LoadResult> {
  switch (task.kind) {
    case 'push-monolithic':
      return pushMonolithic(task);
    case 'push-chunked':
      return pushChunked(task);
    case 'pull':
      return pull(task);
    case 'get-load':
      return getLoad(task);
    case 'push-images':
      return pushImages(task);
    case 'pull-images':
      return pullImages(task);
  }
}

parentPort?.on('message', (msg: { id: number; task: LoadTask }) => {
  run(msg.task).then(
    (result) => parentPort?.postMessage({ id: msg.id, ok: true, result }, result.latenciesMs ? [result.latenciesMs.buffer as ArrayBuffer] : []),
    (err: Error) => parentPort?.postMessage({ id: msg.id, ok: false, error: err.stack ?? err.message }),
  );
});
