import { createHash, randomBytes } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import { OCI_CONFIG, OCI_LAYER_GZIP, OCI_MANIFEST, sha256 } from '@wharf/testing';

/**
 * A registry client written with plain fetch that pushes the way docker does: HEAD each blob,
 * skip it when the registry says it exists, otherwise mount it from a repository known to hold it
 * or upload it (monolithic, POST+PUT, or POST+PATCH+PUT), then PUT the manifest. Every answer the
 * protocol does not allow at that step is kept as an anomaly instead of being retried away.
 */

export interface Blob {
  digest: string;
  bytes: Buffer;
  /** sha256 of the uncompressed layer (configs: unused). */
  diffId: string;
}

/** Repositories the client last saw holding a blob: where a mount may come from. */
export type KnownIn = Set<string>;

export interface ImageToPush {
  manifest: Buffer;
  digest: string;
  config: Blob;
  layers: Blob[];
}

export interface Anomaly {
  at: string;
  request: string;
  status: number | string;
  body: string;
}

export interface PushResult {
  ok: boolean;
  /** Manifest PUTs answered MANIFEST_BLOB_UNKNOWN before the one that succeeded (or gave up). */
  retries: number;
  /** For each refused manifest: ms from the start of that attempt's blob checks to its PUT. */
  refusedAfterMs: number[];
  startedAt: number;
  endedAt: number;
}

export interface ClientStats {
  headPresent: number;
  headAbsent: number;
  mounted: number;
  mountFellBack: number;
  uploaded: number;
}

/** A gzip stream of random bytes: a layer as far as any client can tell without unpacking it. */
export function randomLayer(minBytes: number, maxBytes: number): Blob {
  const raw = randomBytes(minBytes + Math.floor(Math.random() * (maxBytes - minBytes + 1)));
  const bytes = gzipSync(raw, { level: 1 });
  return { digest: sha256(bytes), bytes, diffId: sha256(raw) };
}

export function buildManifestImage(layers: Blob[], label: string): ImageToPush {
  const config = Buffer.from(
    JSON.stringify({
      created: new Date().toISOString(),
      architecture: 'amd64',
      os: 'linux',
      config: { Labels: { 'org.example.gc-safety': label } },
      rootfs: { type: 'layers', diff_ids: layers.map((l) => l.diffId) },
    }),
  );
  const configBlob: Blob = { digest: sha256(config), bytes: config, diffId: '' };
  const manifest = Buffer.from(
    JSON.stringify({
      schemaVersion: 2,
      mediaType: OCI_MANIFEST,
      config: { mediaType: OCI_CONFIG, digest: configBlob.digest, size: config.length },
      layers: layers.map((l) => ({ mediaType: OCI_LAYER_GZIP, digest: l.digest, size: l.bytes.length })),
    }),
  );
  return { manifest, digest: sha256(manifest), config: configBlob, layers };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export class PushClient {
  readonly anomalies: Anomaly[] = [];
  readonly stats: ClientStats = { headPresent: 0, headAbsent: 0, mounted: 0, mountFellBack: 0, uploaded: 0 };

  constructor(
    readonly url: string,
    /** Where each blob digest was last seen by this client. */
    private readonly knownIn: Map<string, KnownIn> = new Map(),
  ) {}

  /**
   * Sends a request; an answer outside `expected` (or no answer) is recorded as an anomaly and
   * undefined is returned. The body is left unread for the caller.
   */
  private async send(method: string, path: string, init: RequestInit, expected: number[]): Promise<Response | undefined> {
    const target = path.startsWith('http') ? path : `${this.url}${path}`;
    let res: Response;
    try {
      res = await fetch(target, { ...init, method, signal: AbortSignal.timeout(30_000) });
    } catch (err) {
      this.anomalies.push({ at: new Date().toISOString(), request: `${method} ${path}`, status: 'no answer', body: (err as Error).message });
      return undefined;
    }
    if (!expected.includes(res.status)) {
      const body = method === 'HEAD' ? '' : await res.text().catch(() => '');
      this.anomalies.push({ at: new Date().toISOString(), request: `${method} ${path}`, status: res.status, body: body.slice(0, 500) });
      return undefined;
    }
    return res;
  }

  private seen(digest: string, repository: string): void {
    let repos = this.knownIn.get(digest);
    if (!repos) this.knownIn.set(digest, (repos = new Set()));
    repos.add(repository);
  }

  /** Makes the blob present in the repository; false when the registry misbehaved (see anomalies). */
  async ensureBlob(repository: string, blob: Blob): Promise<boolean> {
    const head = await this.send('HEAD', `/v2/${repository}/blobs/${blob.digest}`, {}, [200, 404]);
    if (!head) return false;
    if (head.status === 200) {
      this.stats.headPresent++;
      this.seen(blob.digest, repository);
      return true;
    }
    this.stats.headAbsent++;
    const sources = [...(this.knownIn.get(blob.digest) ?? [])].filter((r) => r !== repository);
    const body = new Uint8Array(blob.bytes);
    const octets = { 'Content-Type': 'application/octet-stream' };
    let location: string | undefined;
    if (sources.length > 0 && Math.random() < 0.6) {
      const from = sources[Math.floor(Math.random() * sources.length)];
      const mount = await this.send('POST', `/v2/${repository}/blobs/uploads/?mount=${blob.digest}&from=${from}`, {}, [201, 202]);
      if (!mount) return false;
      await mount.arrayBuffer();
      if (mount.status === 201) {
        this.stats.mounted++;
        this.seen(blob.digest, repository);
        return true;
      }
      // The source no longer holds it (e.g. collected): the registry opened an upload instead.
      this.stats.mountFellBack++;
      location = mount.headers.get('location') ?? undefined;
    }
    const style = Math.random();
    if (location === undefined && style < 0.5) {
      const res = await this.send('POST', `/v2/${repository}/blobs/uploads/?digest=${blob.digest}`, { body, headers: octets }, [201]);
      if (!res) return false;
      await res.arrayBuffer();
    } else {
      if (location === undefined) {
        const start = await this.send('POST', `/v2/${repository}/blobs/uploads/`, {}, [202]);
        if (!start) return false;
        await start.arrayBuffer();
        location = start.headers.get('location') ?? undefined;
      }
      if (!location) {
        this.anomalies.push({ at: new Date().toISOString(), request: `POST /v2/${repository}/blobs/uploads/`, status: 202, body: 'no Location header' });
        return false;
      }
      const at = new URL(location, this.url);
      if (style < 0.8) {
        at.searchParams.set('digest', blob.digest);
        const put = await this.send('PUT', at.href, { body, headers: octets }, [201]);
        if (!put) return false;
        await put.arrayBuffer();
      } else {
        const patch = await this.send('PATCH', at.href, { body, headers: octets }, [202]);
        if (!patch) return false;
        await patch.arrayBuffer();
        const next = new URL(patch.headers.get('location') ?? at.href, this.url);
        next.searchParams.set('digest', blob.digest);
        const put = await this.send('PUT', next.href, {}, [201]);
        if (!put) return false;
        await put.arrayBuffer();
      }
    }
    this.stats.uploaded++;
    this.seen(blob.digest, repository);
    return true;
  }

  /**
   * Pushes the image under `tag`. A manifest refused with MANIFEST_BLOB_UNKNOWN (garbage collection
   * took a layer after the HEAD said it existed) is pushed again from the start, as a client would.
   */
  async pushImage(repository: string, tag: string, image: ImageToPush, options: { pauseBeforeManifestMs?: number; maxAttempts?: number } = {}): Promise<PushResult> {
    const startedAt = Date.now();
    const maxAttempts = options.maxAttempts ?? 8;
    const refusedAfterMs: number[] = [];
    const result = (ok: boolean): PushResult => ({ ok, retries: refusedAfterMs.length, refusedAfterMs, startedAt, endedAt: Date.now() });
    for (let attempt = 1; attempt <= maxAttempts; attempt++) {
      const checkedAt = Date.now();
      const blobs = [image.config, ...image.layers];
      // Three at a time, as docker uploads layers.
      let next = 0;
      let failed = false;
      await Promise.all(
        Array.from({ length: 3 }, async () => {
          while (!failed && next < blobs.length) {
            if (!(await this.ensureBlob(repository, blobs[next++]))) failed = true;
          }
        }),
      );
      if (failed) return result(false);
      // Only the first attempt dawdles: a client pushing again after a refusal does so promptly.
      if (options.pauseBeforeManifestMs && attempt === 1) await sleep(options.pauseBeforeManifestMs);
      const putAt = Date.now();
      const res = await this.send(
        'PUT',
        `/v2/${repository}/manifests/${tag}`,
        { body: new Uint8Array(image.manifest), headers: { 'Content-Type': OCI_MANIFEST } },
        // Registries differ on MANIFEST_BLOB_UNKNOWN's status (distribution 400, Wharf 404).
        [201, 400, 404],
      );
      if (!res) return result(false);
      const text = await res.text();
      if (res.status === 201) {
        if (res.headers.get('docker-content-digest') !== image.digest) {
          this.anomalies.push({ at: new Date().toISOString(), request: `PUT /v2/${repository}/manifests/${tag}`, status: 201, body: `digest header ${res.headers.get('docker-content-digest')}, pushed ${image.digest}` });
          return result(false);
        }
        return result(true);
      }
      if (errorCode(text) !== 'MANIFEST_BLOB_UNKNOWN') {
        this.anomalies.push({ at: new Date().toISOString(), request: `PUT /v2/${repository}/manifests/${tag}`, status: res.status, body: text.slice(0, 500) });
        return result(false);
      }
      refusedAfterMs.push(putAt - checkedAt);
    }
    this.anomalies.push({ at: new Date().toISOString(), request: `PUT /v2/${repository}/manifests/${tag}`, status: 'gave up', body: `still MANIFEST_BLOB_UNKNOWN after ${maxAttempts} attempts` });
    return result(false);
  }

  /** DELETE of a tag: only that tag goes. */
  async deleteTag(repository: string, tag: string): Promise<boolean> {
    const res = await this.send('DELETE', `/v2/${repository}/manifests/${tag}`, {}, [202]);
    if (!res) return false;
    await res.arrayBuffer();
    return true;
  }
}

function errorCode(body: string): string | undefined {
  try {
    return (JSON.parse(body) as { errors?: { code?: string }[] }).errors?.[0]?.code;
  } catch {
    return undefined;
  }
}

/**
 * Pulls `reference` and everything it references back: the manifest must be byte-identical to the
 * one pushed and every blob must hash to its digest. Returns what is wrong, empty when intact.
 */
export async function verifyImage(url: string, repository: string, reference: string, image: ImageToPush): Promise<string[]> {
  const problems: string[] = [];
  const get = async (path: string, headers: Record<string, string> = {}): Promise<{ status: number; bytes: Buffer } | string> => {
    try {
      const res = await fetch(`${url}${path}`, { headers, signal: AbortSignal.timeout(30_000) });
      return { status: res.status, bytes: Buffer.from(await res.arrayBuffer()) };
    } catch (err) {
      return (err as Error).message;
    }
  };
  const manifest = await get(`/v2/${repository}/manifests/${reference}`, { Accept: OCI_MANIFEST });
  if (typeof manifest === 'string') return [`${repository}:${reference} manifest: ${manifest}`];
  if (manifest.status !== 200) return [`${repository}:${reference} manifest: ${manifest.status} ${manifest.bytes.toString('utf8').slice(0, 300)}`];
  if (!manifest.bytes.equals(image.manifest)) problems.push(`${repository}:${reference} manifest: ${sha256(manifest.bytes)} served, ${image.digest} pushed`);
  for (const blob of [image.config, ...image.layers]) {
    const got = await get(`/v2/${repository}/blobs/${blob.digest}`);
    if (typeof got === 'string') problems.push(`${repository}:${reference} blob ${blob.digest}: ${got}`);
    else if (got.status !== 200) problems.push(`${repository}:${reference} blob ${blob.digest}: ${got.status} ${got.bytes.toString('utf8').slice(0, 300)}`);
    else if (got.bytes.length !== blob.bytes.length || 'sha256:' + createHash('sha256').update(got.bytes).digest('hex') !== blob.digest) {
      problems.push(`${repository}:${reference} blob ${blob.digest}: ${got.bytes.length} bytes hashing to ${sha256(got.bytes)}`);
    }
  }
  return problems;
}
