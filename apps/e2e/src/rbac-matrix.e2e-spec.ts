import { randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Access, grantedRegistryActions, Principal, ProjectRole } from '@wharf/auth';
// This end-to-end test runs core (the token service) and the registry together, as deployed.
import { addTestMember, api, baseLayer, basicAuthHeader, buildImage, createTestProject, createTestUser, DEST_INSECURE, dockerRef, Image, INSECURE, killRunningSkopeo, OCI_MANIFEST, repositoryPermissions, resolveTag, sha256, skopeo, skopeoOk, SkopeoResult, SRC_INSECURE, writeLayout } from '@wharf/testing';
import { CoreHarness, startTestCore } from '../../core/src/testing';
import { RegistryAudit } from '../../registry/src/audit/registry-audit';
import { RegistryHarness, startTokenRegistry } from '../../registry/src/testing';

/**
 * The permission matrix as users meet it: one core (token service) and one token-mode registry,
 * a public and a private project, and every kind of principal trying to pull, push and delete in
 * both, with skopeo and with the raw token flow over HTTP. The expected outcome of every cell is
 * written out below and checked against @wharf/auth, so that a change to the matrix fails here
 * until this table, and the decision behind it, is looked at again.
 */

type Who =
  | 'projectAdmin'
  | 'maintainer'
  | 'developer'
  | 'guest'
  | 'limitedGuest'
  | 'nonMember'
  | 'anonymous'
  | 'sysadmin'
  | 'robotPullPush'
  | 'robotPull';
type Where = 'public' | 'private';
type Op = 'pull' | 'push' | 'delete';

const WHO: readonly Who[] = ['projectAdmin', 'maintainer', 'developer', 'guest', 'limitedGuest', 'nonMember', 'anonymous', 'sysadmin', 'robotPullPush', 'robotPull'];
const WHERE: readonly Where[] = ['public', 'private'];
const OPS: readonly Op[] = ['pull', 'push', 'delete'];

// What each principal may do, in the public and in the private project. Role holders are members
// of both projects with that role; both robots belong to the private project, and pull from the
// public one as any visitor does (Harbor gives robots a public project's visitor rights).
//                                public project        private project
const EXPECTED: Readonly<Record<Who, readonly [string, string]>> = {
  projectAdmin:  ['pull push delete', 'pull push delete'],
  maintainer:    ['pull push delete', 'pull push delete'],
  developer:     ['pull push',        'pull push'],
  guest:         ['pull',             'pull'],
  limitedGuest:  ['pull',             'pull'],
  nonMember:     ['pull',             ''],
  anonymous:     ['pull',             ''],
  sysadmin:      ['pull push delete', 'pull push delete'],
  robotPullPush: ['pull',             'pull push'],
  robotPull:     ['pull',             'pull'],
};

const allowed = (who: Who, where: Where, op: Op) => EXPECTED[who][where === 'public' ? 0 : 1].split(' ').includes(op);

const PROJECT: Readonly<Record<Where, string>> = { public: 'open', private: 'closed' };
const ROLE: Partial<Record<Who, ProjectRole>> = {
  projectAdmin: ProjectRole.ProjectAdmin,
  maintainer: ProjectRole.Maintainer,
  developer: ProjectRole.Developer,
  guest: ProjectRole.Guest,
  limitedGuest: ProjectRole.LimitedGuest,
};

interface Cell {
  who: Who;
  where: Where;
  op: Op;
  allow: boolean;
}

const CELLS: Cell[] = WHO.flatMap((who) => WHERE.flatMap((where) => OPS.map((op) => ({ who, where, op, allow: allowed(who, where, op) }))));
const cellKey = (c: Pick<Cell, 'who' | 'where' | 'op'>) => `${c.who}/${c.where}/${c.op}`;
const cellName = (c: Cell) => `${c.who} ${c.op} in the ${c.where} project: ${c.allow ? 'allowed' : 'denied'}`;

/** Any sha256 digest, inside a `fatalLine` pattern. */
const DIGEST = /sha256:[0-9a-f]{64}/;

/**
 * skopeo's whole stderr when it gives up: one logrus line whose message is quoted, so newlines,
 * quotes and backslashes arrive escaped. Strings in `parts` are the message as skopeo composed it
 * (quoted here the same way, then matched literally), RegExps are patterns.
 */
function fatalLine(parts: (string | RegExp)[]): RegExp {
  const quoted = (text: string) => text.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');
  const literal = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const message = parts.map((p) => (typeof p === 'string' ? literal(quoted(p)) : p.source)).join('');
  return new RegExp(`^time="[^"]+" level=fatal msg="${message}"\n$`);
}

/** Runs `work` over `items`, at most `limit` at a time. */
async function pool<T>(items: readonly T[], limit: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) await work(items[next++]);
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}

function tokenClaims(token: string): { sub: string; access: { type: string; name: string; actions: string[] }[] } {
  return JSON.parse(Buffer.from(token.split('.')[1], 'base64url').toString('utf8')) as { sub: string; access: { type: string; name: string; actions: string[] }[] };
}

interface Actor {
  who: Who;
  /** Login name (user name or robot login); undefined for anonymous. */
  login?: string;
  password?: string;
  /** The name audit rows carry. */
  auditName: string;
}

describe('RBAC matrix through real clients', () => {
  let core: CoreHarness;
  let registry: RegistryHarness;
  let work: string;
  let layout: string;
  let host: string;
  /** The admin's bearer tokens (pull, push, delete) per project, from the token service. */
  const adminTokens = new Map<Where, string>();
  const actors = new Map<Who, Actor>();
  const base = buildImage({ label: 'rbac base', layers: [baseLayer('rbac')] });
  /** One small image of its own per push cell: each push uploads blobs, not only a manifest. */
  const pushImages = new Map<string, Image>();
  /** Artifacts made for delete cells (skopeo deletes by digest: each cell needs its own artifact). */
  const deleteTargets = new Map<string, string>();

  const repo = (where: Where) => `${PROJECT[where]}/app`;
  const authfile = (who: Who) => join(work, `auth-${who}.json`);
  const pushTag = (c: Pick<Cell, 'who' | 'where'>) => `push-${c.who.toLowerCase()}-${c.where}`;

  /** A variant of the base manifest (same blobs, its own digest), put by the admin under `tag`. */
  async function putVariant(where: Where, tag: string): Promise<string> {
    const manifest = JSON.parse(base.bytes.toString('utf8')) as { annotations?: Record<string, string> };
    const bytes = Buffer.from(JSON.stringify({ ...manifest, annotations: { ...manifest.annotations, 'org.example.cell': `${where}/${tag}` } }));
    const res = await fetch(`${registry.url}/v2/${repo(where)}/manifests/${tag}`, {
      method: 'PUT',
      body: new Uint8Array(bytes),
      headers: { 'Content-Type': OCI_MANIFEST, Authorization: `Bearer ${adminTokens.get(where)}` },
    });
    if (res.status !== 201) throw new Error(`admin put ${repo(where)}:${tag}: ${res.status} ${await res.text()}`);
    return res.headers.get('docker-content-digest') ?? '';
  }

  /** The digest a tag points at, as the admin sees it; undefined when there is no such tag. */
  async function digestOf(where: Where, reference: string): Promise<string | undefined> {
    const res = await fetch(`${registry.url}/v2/${repo(where)}/manifests/${reference}`, {
      method: 'HEAD',
      headers: { Authorization: `Bearer ${adminTokens.get(where)}`, Accept: OCI_MANIFEST },
    });
    if (res.status === 404) return undefined;
    if (res.status !== 200) throw new Error(`admin HEAD ${repo(where)}:${reference}: ${res.status}`);
    return res.headers.get('docker-content-digest') ?? undefined;
  }

  beforeAll(async () => {
    work = join(tmpdir(), `wharf-e2e-rbac-${randomBytes(6).toString('hex')}`);
    await mkdir(work);
    layout = join(work, 'src');
    for (const c of CELLS.filter((cell) => cell.op === 'push')) {
      pushImages.set(pushTag(c), buildImage({ label: `rbac ${pushTag(c)}`, layers: [baseLayer(pushTag(c))] }));
    }
    await writeLayout(layout, { base, ...Object.fromEntries(pushImages) });

    core = await startTestCore();
    registry = await startTokenRegistry(core);
    host = registry.url.replace(/^http:\/\//, '');

    await createTestProject(core.url, core.adminAuth, PROJECT.public, true);
    await createTestProject(core.url, core.adminAuth, PROJECT.private, false);
    for (const who of WHO) {
      if (who === 'anonymous') {
        actors.set(who, { who, auditName: 'anonymous' });
        continue;
      }
      if (who === 'robotPullPush' || who === 'robotPull') continue;
      const username = `rbac-${who.toLowerCase()}`;
      const user = await createTestUser(core.url, core.adminAuth, username, `${who.slice(0, 4)}Pass1234`);
      actors.set(who, { who, login: user.username, password: user.password, auditName: user.username });
      const role = ROLE[who];
      if (role !== undefined) for (const where of WHERE) await addTestMember(core.url, core.adminAuth, PROJECT[where], username, role);
      if (who === 'sysadmin') {
        const res = await api(core.url, 'PUT', `/api/v2.0/users/${user.id}/sysadmin`, { auth: core.adminAuth, body: { sysadmin_flag: true } });
        if (res.status !== 200) throw new Error(`set sysadmin: ${res.status} ${JSON.stringify(res.body)}`);
      }
    }
    // Project robots through core's robot API (Harbor's RobotCreate), which returns the secret once.
    const robots: [Who, string, string[]][] = [
      ['robotPullPush', 'rw', ['pull', 'push']],
      ['robotPull', 'ro', ['pull']],
    ];
    for (const [who, name, actions] of robots) {
      const res = await api<{ id: number; name: string; secret: string }>(core.url, 'POST', '/api/v2.0/robots', {
        auth: core.adminAuth,
        body: { name, level: 'project', duration: -1, permissions: repositoryPermissions(PROJECT.private, actions) },
      });
      if (res.status !== 201) throw new Error(`create robot ${name}: ${res.status} ${JSON.stringify(res.body)}`);
      actors.set(who, { who, login: res.body.name, password: res.body.secret, auditName: res.body.name });
    }

    // The admin's image in each project, pushed with skopeo; then one artifact per delete cell.
    for (const where of WHERE) {
      const query = new URLSearchParams({ service: core.config.token.service, scope: `repository:${repo(where)}:pull,push,delete` });
      const res = await fetch(`${core.url}/service/token?${query}`, { headers: { Authorization: core.adminAuth } });
      adminTokens.set(where, ((await res.json()) as { token: string }).token);
      await skopeoOk(['copy', DEST_INSECURE, '--dest-creds', `admin:${core.config.adminPassword}`, '--preserve-digests', `oci:${layout}:base`, dockerRef(host, repo(where), 'base')]);
    }
    for (const c of CELLS.filter((cell) => cell.op === 'delete')) {
      for (const via of ['skopeo', 'http']) deleteTargets.set(`${via}/${cellKey(c)}`, await putVariant(c.where, `del-${via}-${c.who.toLowerCase()}`));
    }
    // One login per principal; every skopeo run below reads the principal's own auth file.
    await pool([...actors.values()].filter((a) => a.login), 4, async (a) => {
      await skopeoOk(['login', INSECURE, '--authfile', authfile(a.who), '--username', a.login ?? '', '--password', a.password ?? '', host]);
    });
  }, 120_000);

  afterAll(async () => {
    killRunningSkopeo();
    await registry?.close();
    await core?.close();
    if (work) await rm(work, { recursive: true, force: true });
  }, 30_000);

  it('the table above is what @wharf/auth decides for each principal', () => {
    const projects = { public: { id: 1, name: PROJECT.public, public: true }, private: { id: 2, name: PROJECT.private, public: false } };
    const principalOf = (who: Who): Principal => {
      switch (who) {
        case 'anonymous':
          return { kind: 'anonymous' };
        case 'robotPullPush':
        case 'robotPull':
          // Grants name their project by id, as the robot store binds them.
          return {
            kind: 'robot',
            id: 1,
            name: who,
            level: 'project',
            permissions: repositoryPermissions(PROJECT.private, who === 'robotPull' ? ['pull'] : ['pull', 'push']).map((p) => ({ ...p, project_id: projects.private.id })),
          };
        default: {
          const role = ROLE[who];
          const roles = new Map<number, ProjectRole>(role === undefined ? [] : [[1, role], [2, role]]);
          return { kind: 'user', id: 1, username: who, sysadmin: who === 'sysadmin', roles };
        }
      }
    };
    const derived = Object.fromEntries(
      WHO.map((who) => [who, WHERE.map((where) => grantedRegistryActions(new Access(principalOf(who)), projects[where], ['pull', 'push', 'delete']).join(' '))]),
    );
    expect(derived).toEqual(EXPECTED);
  });

  describe('with skopeo (copy out, copy in to a new tag, delete a tag)', () => {
    const results = new Map<string, { run: SkopeoResult; pulledDigest?: string; after?: string }>();

    const credsFor = (who: Who, flag: 'src' | 'dest' | 'plain') => {
      const prefix = flag === 'plain' ? '--' : `--${flag}-`;
      return who === 'anonymous' ? [`${prefix}no-creds`] : [`${prefix}authfile`, authfile(who)];
    };

    async function runCell(c: Cell): Promise<void> {
      if (c.op === 'pull') {
        const dir = await mkdtemp(join(work, 'pull-'));
        const run = await skopeo(['copy', SRC_INSECURE, ...credsFor(c.who, 'src'), '--preserve-digests', dockerRef(host, repo(c.where), 'base'), `oci:${dir}:base`]);
        results.set(cellKey(c), { run, pulledDigest: run.code === 0 ? (await resolveTag(dir, 'base')).digest : undefined });
        await rm(dir, { recursive: true, force: true });
      } else if (c.op === 'push') {
        const tag = pushTag(c);
        const run = await skopeo(['copy', DEST_INSECURE, ...credsFor(c.who, 'dest'), '--preserve-digests', `oci:${layout}:${tag}`, dockerRef(host, repo(c.where), tag)]);
        results.set(cellKey(c), { run, after: await digestOf(c.where, tag) });
      } else {
        const tag = `del-skopeo-${c.who.toLowerCase()}`;
        const run = await skopeo(['delete', INSECURE, ...credsFor(c.who, 'plain'), dockerRef(host, repo(c.where), tag)]);
        results.set(cellKey(c), { run, after: await digestOf(c.where, tag) });
      }
    }

    beforeAll(async () => {
      await pool(CELLS, 4, runCell);
    }, 150_000);

    /**
     * How skopeo reports each refusal, word for word: its one fatal log line, whose message logrus
     * quotes (newlines and quotes arrive escaped). What it says depends on the first request the
     * registry refused: without pull even the first read fails; with pull only the write does.
     */
    function refusal(c: Cell): RegExp {
      const name = repo(c.where);
      const canPull = allowed(c.who, c.where, 'pull');
      const denied = 'errors:\ndenied: requested access to the resource is denied\n';
      const body = (action: string) =>
        `{"errors":[{"code":"UNAUTHORIZED","message":"the token does not grant repository:${name}:${action}","detail":[{"Type":"repository","Name":"${name}","Action":"${action}"}]}]} (401 Unauthorized)`;
      if (c.op === 'pull') {
        return fatalLine([`initializing source docker://${host}/${name}:base: reading manifest base in ${host}/${name}: ${denied}unauthorized: the token does not grant repository:${name}:pull\n`]);
      }
      if (c.op === 'push') {
        return canPull
          ? fatalLine([`writing blob: initiating layer upload to /v2/${name}/blobs/uploads/ in ${host}: ${denied}unauthorized: the token does not grant repository:${name}:pull,push\n`])
          : // The refused existence check is a HEAD: no body for skopeo to quote.
            fatalLine(['trying to reuse blob ', DIGEST, ' at destination: checking whether a blob ', DIGEST, ` exists in ${host}/${name}: ${denied}error parsing HTTP 401 response body: unexpected end of JSON input: ""\n`]);
      }
      return canPull
        ? fatalLine([`Failed to delete /v2/${name}/manifests/${deleteTargets.get(`skopeo/${cellKey(c)}`)}: ${body('delete')}`])
        : fatalLine([`Failed to delete ${host}/${name}:del-skopeo-${c.who.toLowerCase()}: ${body('pull')}`]);
    }

    it.each(CELLS.map((c) => [cellName(c), c] as const))('%s', (_name, c) => {
      const result = results.get(cellKey(c));
      expect(result).toBeDefined();
      const { run, pulledDigest, after } = result!;
      if (c.allow) {
        expect({ code: run.code, stderr: run.stderr }).toEqual({ code: 0, stderr: '' });
      } else {
        expect({ code: run.code, stderr: run.stderr }).toEqual({ code: 1, stderr: expect.stringMatching(refusal(c)) });
      }
      if (c.op === 'pull') expect(pulledDigest).toBe(c.allow ? base.descriptor.digest : undefined);
      if (c.op === 'push') expect(after).toBe(c.allow ? pushImages.get(pushTag(c))?.descriptor.digest : undefined);
      if (c.op === 'delete') expect(after).toBe(c.allow ? undefined : deleteTargets.get(`skopeo/${cellKey(c)}`));
    });
  });

  describe('with the token flow over HTTP (GET /service/token, then the registry call)', () => {
    interface HttpOutcome {
      tokenStatus: number;
      sub: string;
      granted: string[];
      status: number;
      code?: string;
      message?: string;
      challenge?: string | null;
      /** After the call, as the admin sees it: the tag's digest, or the digest when deleting. */
      after?: string;
      /** Digest of the manifest a push cell sent. */
      pushed?: string;
    }
    const results = new Map<string, HttpOutcome>();
    const REQUESTED: Readonly<Record<Op, string>> = { pull: 'pull', push: 'pull,push', delete: 'delete' };

    async function runCell(c: Cell): Promise<void> {
      const actor = actors.get(c.who)!;
      const name = repo(c.where);
      const query = new URLSearchParams({ service: core.config.token.service, scope: `repository:${name}:${REQUESTED[c.op]}` });
      const tokenRes = await fetch(`${core.url}/service/token?${query}`, {
        headers: actor.login ? { Authorization: basicAuthHeader(actor.login, actor.password ?? '') } : {},
      });
      const { token } = (await tokenRes.json()) as { token: string };
      const claims = tokenClaims(token);
      const auth = { Authorization: `Bearer ${token}` };
      let res: Response;
      let after: string | undefined;
      let pushed: string | undefined;
      if (c.op === 'pull') {
        res = await fetch(`${registry.url}/v2/${name}/manifests/base`, { headers: { ...auth, Accept: OCI_MANIFEST } });
        after = res.headers.get('docker-content-digest') ?? undefined;
      } else if (c.op === 'push') {
        const tag = `hpush-${c.who.toLowerCase()}`;
        const manifest = JSON.parse(base.bytes.toString('utf8')) as Record<string, unknown>;
        const body = Buffer.from(JSON.stringify({ ...manifest, annotations: { 'org.example.cell': `http ${tag}` } }));
        res = await fetch(`${registry.url}/v2/${name}/manifests/${tag}`, { method: 'PUT', body: new Uint8Array(body), headers: { ...auth, 'Content-Type': OCI_MANIFEST } });
        pushed = sha256(body);
        after = await digestOf(c.where, tag);
      } else {
        const digest = deleteTargets.get(`http/${cellKey(c)}`) ?? '';
        res = await fetch(`${registry.url}/v2/${name}/manifests/${digest}`, { method: 'DELETE', headers: auth });
        after = await digestOf(c.where, digest);
      }
      const text = await res.text();
      const error = res.status >= 400 ? ((JSON.parse(text) as { errors: { code: string; message: string }[] }).errors[0] ?? undefined) : undefined;
      results.set(cellKey(c), {
        tokenStatus: tokenRes.status,
        sub: claims.sub,
        granted: claims.access.flatMap((a) => a.actions),
        status: res.status,
        code: error?.code,
        message: error?.message,
        challenge: res.headers.get('www-authenticate'),
        after,
        pushed,
      });
    }

    beforeAll(async () => {
      await pool(CELLS, 4, runCell);
    }, 60_000);

    it.each(CELLS.map((c) => [cellName(c), c] as const))('%s', (_name, c) => {
      const outcome = results.get(cellKey(c));
      expect(outcome).toBeDefined();
      const actor = actors.get(c.who)!;
      const name = repo(c.where);
      // The token service answers 200 either way; the token holds only what the matrix grants.
      const grantable = REQUESTED[c.op].split(',').filter((op) => allowed(c.who, c.where, op as Op));
      expect({ tokenStatus: outcome!.tokenStatus, sub: outcome!.sub, granted: outcome!.granted }).toEqual({
        tokenStatus: 200,
        sub: actor.login ?? '',
        granted: grantable,
      });
      const success = { pull: 200, push: 201, delete: 202 }[c.op];
      if (c.allow) {
        expect({ status: outcome!.status, code: outcome!.code }).toEqual({ status: success, code: undefined });
      } else {
        const needed = { pull: 'pull', push: 'pull,push', delete: 'delete' }[c.op];
        expect({ status: outcome!.status, code: outcome!.code, message: outcome!.message, challenge: outcome!.challenge }).toEqual({
          status: 401,
          code: 'UNAUTHORIZED',
          message: `the token does not grant repository:${name}:${needed}`,
          challenge: expect.stringContaining(`scope="repository:${name}:${needed}",error="insufficient_scope"`),
        });
      }
      if (c.op === 'pull') expect(outcome!.after).toBe(c.allow ? base.descriptor.digest : undefined);
      if (c.op === 'push') expect(outcome!.after).toBe(c.allow ? outcome!.pushed : undefined);
      if (c.op === 'delete') expect(outcome!.after).toBe(c.allow ? undefined : deleteTargets.get(`http/${cellKey(c)}`));
    });
  });

  it('the audit log names who pulled, pushed and deleted in every allowed cell, and nobody for refused ones', async () => {
    await registry.app.get(RegistryAudit).flush();
    const rows: { username: string; operation: string; resource: string; resource_type: string }[] = [];
    for (let page = 1; ; page++) {
      const res = await api<typeof rows>(core.url, 'GET', `/api/v2.0/audit-logs?q=resource_type%3Dartifact&page=${page}&page_size=100`, { auth: core.adminAuth });
      expect(res.status).toBe(200);
      rows.push(...res.body);
      if (res.body.length < 100) break;
    }
    // Each cell was tried twice (skopeo, then HTTP): an allowed cell leaves two rows under the
    // principal's name, a refused one none at all. Both pull attempts read `base`, which others
    // pull too, so for pulls only the principal's own rows are counted.
    const mismatches: string[] = [];
    for (const c of CELLS) {
      const name = repo(c.where);
      const auditName = actors.get(c.who)!.auditName;
      const operation = { pull: 'pull', push: 'create', delete: 'delete' }[c.op];
      const resources =
        c.op === 'pull'
          ? [`${name}:base`]
          : c.op === 'push'
            ? [`${name}:${pushTag(c)}`, `${name}:hpush-${c.who.toLowerCase()}`]
            : // Deletes name the artifact by digest, as Harbor writes them: <repository>@<digest>.
              [`${name}@${deleteTargets.get(`skopeo/${cellKey(c)}`)}`, `${name}@${deleteTargets.get(`http/${cellKey(c)}`)}`];
      const found = rows.filter((r) => r.operation === operation && resources.includes(r.resource) && (c.op !== 'pull' || r.username === auditName));
      const expected = c.allow ? [auditName, auditName] : [];
      if (JSON.stringify(found.map((r) => r.username)) !== JSON.stringify(expected)) {
        mismatches.push(`${cellKey(c)}: ${operation} rows by ${JSON.stringify(found.map((r) => r.username))}, expected ${JSON.stringify(expected)}`);
      }
    }
    expect(mismatches).toEqual([]);
  });
});
