import { performance } from 'node:perf_hooks';
import { parentPort } from 'node:worker_threads';
import { slices } from './blob';
import { expectStatus, keepAliveAgent, request, resolveLocation } from './http';
import { makeSmallImage, OCI_MANIFEST } from './image';
import { rawGet } from './raw-get';
import { RawConnection } from './raw-http';
import type { LoadResult, LoadTask } from './tasks';

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

/** Pushes each image as clients do: HEAD each blob, POST + PUT the missing ones, PUT the manifest. */
async function pushImages(task: Extract<LoadTask, { kind: 'push-images' }>): Promise<LoadResult> {
  const base = new URL(task.base);
  // Built before the clock starts: generating test data is not the registry's time.
  const images = task.tags.map((tag) => ({ tag, image: makeSmallImage(`${task.repo}:${tag}`) }));
  const latencies: number[] = [];
  const manifests: Record<string, string> = {};
  let requests = 0;
  let bytes = 0;
  let next = 0;
  const lanes = Array.from({ length: Math.min(task.concurrency, images.length) }, () => new RawConnection(base.hostname, Number(base.port || 80)));
  const pushBlob = async (c: RawConnection, digest: string, data: Buffer) => {
    const head = await c.exchange('HEAD', `/v2/${task.repo}/blobs/${digest}`);
    requests++;
    if (head.status === 200) return;
    expectStatus(head, `HEAD blob ${digest}`, 404);
    const started = await c.exchange('POST', `/v2/${task.repo}/blobs/uploads/`);
    expectStatus(started, 'start upload', 202);
    const target = resolveLocation(base, started.headers['location'], { digest });
    const put = await c.exchange('PUT', target.pathname + target.search, { 'Content-Type': 'application/octet-stream' }, data);
    expectStatus(put, 'complete upload', 201);
    requests += 2;
    bytes += data.length;
  };
  const startMs = now();
  try {
    await Promise.all(
      lanes.map(async (c) => {
        while (next < images.length) {
          const { tag, image } = images[next++];
          const t0 = performance.now();
          await pushBlob(c, image.configDigest, image.config);
          await pushBlob(c, image.layerDigest, image.layer);
          const put = await c.exchange('PUT', `/v2/${task.repo}/manifests/${tag}`, { 'Content-Type': OCI_MANIFEST }, image.manifest);
          expectStatus(put, `PUT manifest ${tag}`, 201);
          checkDigest(put.headers['docker-content-digest'], image.manifestDigest);
          requests++;
          bytes += image.manifest.length;
          latencies.push(performance.now() - t0);
          manifests[tag] = image.manifestDigest;
        }
      }),
    );
  } finally {
    for (const c of lanes) c.close();
  }
  const endMs = now();
  return { startMs, endMs, bytes, requests, errors: 0, latenciesMs: Float64Array.from(latencies), manifests };
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
  }
}

parentPort?.on('message', (msg: { id: number; task: LoadTask }) => {
  run(msg.task).then(
    (result) => parentPort?.postMessage({ id: msg.id, ok: true, result }, result.latenciesMs ? [result.latenciesMs.buffer as ArrayBuffer] : []),
    (err: Error) => parentPort?.postMessage({ id: msg.id, ok: false, error: err.stack ?? err.message }),
  );
});
