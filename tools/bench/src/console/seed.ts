import { createHash } from 'node:crypto';
import { OCI_MANIFEST, sha256 } from '../load/image';
import { basicAuthorization, parseBearerChallenge, repositoryScope, tokenOf, tokenUrl } from '../load/token';

/**
 * What the console bench lists, put into an installation through its API and registry as a user
 * would (unmeasured). Every step looks first or takes "already there" (409) as done, so a second
 * run on the same installation only checks.
 */

export const PROJECT_PREFIX = 'bench-console-';
/** The repository of many artifacts, in the first project. */
export const REPOSITORY = 'many-artifacts';
/** Users made members of the first project, so that the users and members lists have rows. */
export const SEEDED_USERS = 20;
export const SEEDED_ROBOTS = 3;
const USER_PASSWORD = 'Bench-Console-1';
/** Tries of one registry request that the server fails (HTTP 5xx): a push is safe to repeat. */
const MAX_ATTEMPTS = 5;
/** Manifests pushed at a time. */
const PUSH_CONCURRENCY = 16;

export function projectName(i: number): string {
  return `${PROJECT_PREFIX}${String(i).padStart(4, '0')}`;
}

export function artifactTag(i: number): string {
  return `v${String(i).padStart(5, '0')}`;
}

export interface ImageBlobs {
  config: Buffer;
  layer: Buffer;
  configDigest: string;
  layerDigest: string;
}

/** The one config and layer every seeded manifest refers to; the same bytes on every run. */
export function imageBlobs(): ImageBlobs {
  const layer = Buffer.concat(Array.from({ length: 32 }, (_, i) => createHash('sha256').update(`wharf console bench layer ${i}`).digest()));
  const config = Buffer.from(
    JSON.stringify({
      architecture: 'amd64',
      os: 'linux',
      config: { Env: ['PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin'], Cmd: ['/bin/sh'] },
      rootfs: { type: 'layers', diff_ids: [sha256(layer)] },
    }),
  );
  return { config, layer, configDigest: sha256(config), layerDigest: sha256(layer) };
}

/** Artifact `i`: the shared blobs, made distinct by an annotation (so the same `i` is the same digest on every run). */
export function artifactManifest(i: number, blobs: ImageBlobs): Buffer {
  return Buffer.from(
    JSON.stringify({
      schemaVersion: 2,
      mediaType: OCI_MANIFEST,
      config: { mediaType: 'application/vnd.oci.image.config.v1+json', digest: blobs.configDigest, size: blobs.config.length },
      layers: [{ mediaType: 'application/vnd.oci.image.layer.v1.tar+gzip', digest: blobs.layerDigest, size: blobs.layer.length }],
      annotations: { 'org.opencontainers.image.title': `bench console artifact ${i}` },
    }),
  );
}

/** Runs `fn` over `items`, at most `limit` at a time; the first failure stops new starts and is thrown. */
export async function forEachLimited<T>(items: readonly T[], limit: number, fn: (item: T, index: number) => Promise<void>): Promise<void> {
  let next = 0;
  let failed = false;
  const worker = async () => {
    while (!failed && next < items.length) {
      const i = next++;
      try {
        await fn(items[i], i);
      } catch (err) {
        failed = true;
        throw err;
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}

export interface IssuedToken {
  token: string;
  /** Seconds from issue. */
  expiresInS: number;
}

/**
 * A registry token reused across requests and fetched again shortly before it expires (one fetch
 * at a time however many requests ask meanwhile).
 */
export class TokenSource {
  private current?: { token: string; refreshAt: number };
  private pending?: Promise<string>;

  constructor(
    private readonly fetchToken: () => Promise<IssuedToken>,
    private readonly now: () => number = Date.now,
  ) {}

  get(): Promise<string> {
    if (this.current && this.now() < this.current.refreshAt) return Promise.resolve(this.current.token);
    this.pending ??= (async () => {
      try {
        const issued = await this.fetchToken();
        // A minute early, or at half its life for short-lived tokens.
        const margin = Math.min(60, issued.expiresInS / 2) * 1000;
        this.current = { token: issued.token, refreshAt: this.now() + issued.expiresInS * 1000 - margin };
        return issued.token;
      } finally {
        this.pending = undefined;
      }
    })();
    return this.pending;
  }
}

/** An installation's API and registry (the gateway, or wherever --api-url points) as its admin. */
export class AdminClient {
  readonly authorization: string;

  constructor(
    readonly baseUrl: string,
    password: string,
  ) {
    this.authorization = basicAuthorization({ username: 'admin', password });
  }

  async api(method: string, path: string, body?: unknown): Promise<Response> {
    return fetch(`${this.baseUrl}/api/v2.0${path}`, {
      method,
      headers: { authorization: this.authorization, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  }

  /** GET returning JSON and X-Total-Count; anything but 200 is an error. */
  async get<T>(path: string): Promise<{ body: T; total?: number }> {
    const res = await this.api('GET', path);
    if (res.status !== 200) throw await failure('GET', path, res);
    const total = res.headers.get('x-total-count');
    return { body: (await res.json()) as T, total: total === null ? undefined : Number(total) };
  }

  /** POST that creates, or finds it already there (409): true when it created. */
  async create(path: string, body: unknown): Promise<boolean> {
    const res = await this.api('POST', path, body);
    if (res.status === 201) return true;
    if (res.status === 409) return false;
    throw await failure('POST', path, res);
  }
}

async function failure(method: string, path: string, res: Response): Promise<Error> {
  return new Error(`${method} ${path}: HTTP ${res.status} ${(await res.text().catch(() => '')).slice(0, 300)}`);
}

/** The projects `bench-console-0001` … `-<n>` (8 creations at a time); those there already are skipped. */
export async function seedProjects(admin: AdminClient, n: number, log: (m: string) => void): Promise<void> {
  const existing = new Set<string>();
  for (let page = 1; ; page++) {
    const { body } = await admin.get<{ name: string }[]>(`/projects?name=${PROJECT_PREFIX}&page=${page}&page_size=100`);
    for (const p of body) existing.add(p.name);
    if (body.length < 100) break;
  }
  const missing = Array.from({ length: n }, (_, i) => projectName(i + 1)).filter((name) => !existing.has(name));
  if (missing.length === 0) {
    log(`the ${n.toLocaleString('en-US')} projects are there`);
    return;
  }
  log(`creating ${missing.length.toLocaleString('en-US')} projects (${(n - missing.length).toLocaleString('en-US')} are there)`);
  await forEachLimited(missing, 8, async (name) => {
    await admin.create('/projects', { project_name: name, metadata: { public: 'false' } });
  });
}

export async function projectId(admin: AdminClient, name: string): Promise<number> {
  const { body } = await admin.get<{ project_id: number }>(`/projects/${encodeURIComponent(name)}`);
  return body.project_id;
}

/**
 * `n` artifacts, each with its own tag, in `<project>/<REPOSITORY>`: the two blobs once, then the
 * manifests, 16 at a time, with one registry token for the repository. Skipped when the
 * repository already holds `n` or more artifacts.
 */
export async function seedArtifacts(admin: AdminClient, project: string, n: number, log: (m: string) => void): Promise<void> {
  const repoApi = `/projects/${encodeURIComponent(project)}/repositories/${encodeURIComponent(REPOSITORY)}`;
  const res = await admin.api('GET', repoApi);
  if (res.status !== 200 && res.status !== 404) throw await failure('GET', repoApi, res);
  const count = res.status === 200 ? ((await res.json()) as { artifact_count: number }).artifact_count : 0;
  if (count >= n) {
    log(`${project}/${REPOSITORY} holds ${count.toLocaleString('en-US')} artifacts`);
    return;
  }
  const repository = `${project}/${REPOSITORY}`;
  const challenge = parseBearerChallenge((await fetch(`${admin.baseUrl}/v2/`)).headers.get('www-authenticate') ?? undefined);
  const tokens = new TokenSource(async () => {
    const url = tokenUrl(challenge, [repositoryScope(repository, ['pull', 'push'])]);
    const r = await fetch(url, { headers: { authorization: admin.authorization } });
    if (r.status !== 200) throw await failure('GET', url.pathname, r);
    const body = (await r.json()) as { expires_in?: number };
    return { token: tokenOf(body), expiresInS: body.expires_in ?? 60 };
  });
  let retried = 0;
  // Every request here may be repeated: a server error is retried a few times (and counted).
  const registry = async (method: string, path: string, body: Buffer, headers: Record<string, string> = {}): Promise<void> => {
    for (let attempt = 1; ; attempt++) {
      const r = await fetch(`${admin.baseUrl}/v2/${repository}${path}`, { method, headers: { authorization: `Bearer ${await tokens.get()}`, ...headers }, body: new Uint8Array(body) });
      if (r.status === 201) {
        await r.arrayBuffer();
        return;
      }
      if (r.status < 500 || attempt === MAX_ATTEMPTS) throw await failure(method, `/v2/${repository}${path}`, r);
      await r.arrayBuffer();
      retried++;
      await new Promise((done) => setTimeout(done, 50 + Math.random() * 200));
    }
  };
  const blobs = imageBlobs();
  for (const [data, digest] of [
    [blobs.config, blobs.configDigest],
    [blobs.layer, blobs.layerDigest],
  ] as const) {
    await registry('POST', `/blobs/uploads/?digest=${digest}`, data, { 'content-type': 'application/octet-stream' });
  }
  log(`pushing ${n.toLocaleString('en-US')} artifacts into ${repository} (${count.toLocaleString('en-US')} there)`);
  const started = performance.now();
  let done = 0;
  await forEachLimited(
    Array.from({ length: n }, (_, i) => i + 1),
    PUSH_CONCURRENCY,
    async (i) => {
      await registry('PUT', `/manifests/${artifactTag(i)}`, artifactManifest(i, blobs), { 'content-type': OCI_MANIFEST });
      if (++done % 1000 === 0) log(`  ${done.toLocaleString('en-US')} pushed (${Math.round(done / ((performance.now() - started) / 1000))}/s)`);
    },
  );
  log(`pushed in ${((performance.now() - started) / 1000).toFixed(1)} s${retried ? `; ${retried} requests answered a server error and were sent again` : ''}`);
}

/**
 * Rows for the other lists: users as developers of the project, its robot accounts, and a GC
 * dry run when the installation has no GC history (a dry run deletes nothing). What is there is
 * looked up first: creating a user costs the server a password hash even when it refuses.
 */
export async function seedOthers(admin: AdminClient, project: { name: string; id: number }): Promise<void> {
  const prefix = `${PROJECT_PREFIX}user-`;
  const users = Array.from({ length: SEEDED_USERS }, (_, i) => `${prefix}${String(i + 1).padStart(2, '0')}`);
  const haveUsers = new Set((await admin.get<{ username: string }[]>(`/users?q=${encodeURIComponent(`username=~${prefix}`)}&page_size=100`)).body.map((u) => u.username));
  const members = `/projects/${encodeURIComponent(project.name)}/members`;
  const haveMembers = new Set((await admin.get<{ entity_name: string }[]>(`${members}?page_size=100`)).body.map((m) => m.entity_name));
  await forEachLimited(users, 8, async (username) => {
    if (!haveUsers.has(username)) {
      await admin.create('/users', { username, email: `${username}@example.com`, realname: `Bench user ${username.slice(-2)}`, password: USER_PASSWORD, comment: 'npm run bench:console' });
    }
    if (!haveMembers.has(username)) await admin.create(members, { role_id: 2, member_user: { username } });
  });
  const robots = (await admin.get<{ name: string }[]>(`/robots?q=${encodeURIComponent(`Level=project,ProjectID=${project.id}`)}&page_size=100`)).body.map((r) => r.name);
  for (let i = 1; i <= SEEDED_ROBOTS; i++) {
    const name = `${PROJECT_PREFIX}${i}`;
    if (robots.some((r) => r.endsWith(`+${name}`))) continue;
    await admin.create('/robots', {
      name,
      level: 'project',
      duration: -1,
      permissions: [{ kind: 'project', namespace: project.name, access: [{ resource: 'repository', action: 'pull' }] }],
    });
  }
  const { total } = await admin.get<unknown[]>('/system/gc?page_size=1');
  if (!total) await admin.create('/system/gc/schedule', { schedule: { type: 'Manual' }, parameters: { dry_run: true } });
}
