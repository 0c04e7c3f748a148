import { mkdir, mkdtemp, rm, statfs, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { api, basicAuthHeader, CoreHarness, createRoleCast, createTestProject, errorCode, startTestCore, TestUser } from '../testing';

const PEM = '-----BEGIN CERTIFICATE-----\nMIIBszCCAVmgAwIBAgIUWharfTestRootCertificate0wCgYIKoZIzj0EAwIw\n-----END CERTIFICATE-----\n';

describe('GET /systeminfo/volumes and /systeminfo/getcert', () => {
  let core: CoreHarness;
  let bare: CoreHarness;
  let dir: string;
  let users: Record<'alice' | 'mallory', TestUser>;

  const get = (server: CoreHarness, path: string, auth?: string) => api<Record<string, unknown>>(server.url, 'GET', `/api/v2.0/systeminfo${path}`, { auth });

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'wharf-sysinfo-'));
    await mkdir(join(dir, 'blobs'));
    core = await startTestCore({ storageDir: join(dir, 'blobs'), caCertFile: join(dir, 'ca_download', 'ca.crt'), externalUrl: 'https://registry.example.test' });
    // Neither a storage directory nor a certificate known.
    bare = await startTestCore();
    await createTestProject(core.url, core.adminAuth, 'team');
    users = await createRoleCast(core.url, core.adminAuth, 'team', ['alice', 'mallory']);
  });

  afterAll(async () => {
    await core?.close();
    await bare?.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('measures the storage volume for system administrators', async () => {
    const res = await get(core, '/volumes', core.adminAuth);
    expect(res.status).toBe(200);
    const fs = await statfs(join(dir, 'blobs'));
    const [storage] = (res.body as { storage: { total: number; free: number }[] }).storage;
    expect(storage.total).toBe(fs.blocks * fs.bsize);
    // Other processes write to the same disk meanwhile: the free space is close, not equal.
    expect(Math.abs(storage.free - fs.bavail * fs.bsize)).toBeLessThan(256 * 1024 * 1024);
    expect(storage.free).toBeGreaterThan(0);
    expect(storage.free).toBeLessThanOrEqual(storage.total);
  });

  it('refuses everyone else the volumes but robots granted them: 403 for users, project admins included, 401 anonymous', async () => {
    expect((await get(core, '/volumes', users.alice.auth)).status).toBe(403);
    expect((await get(core, '/volumes', users.mallory.auth)).status).toBe(403);
    const anonymous = await get(core, '/volumes');
    expect([anonymous.status, errorCode(anonymous)]).toEqual([401, 'UNAUTHORIZED']);
    const robot = await api<{ name: string; secret: string }>(core.url, 'POST', '/api/v2.0/robots', {
      auth: core.adminAuth,
      body: { name: 'vol', level: 'system', duration: -1, permissions: [{ kind: 'system', namespace: '/', access: [{ resource: 'system-volumes', action: 'read' }] }] },
    });
    expect(robot.status).toBe(201);
    expect((await get(core, '/volumes', basicAuthHeader(robot.body.name, robot.body.secret))).status).toBe(200);
  });

  it('says 404 when the storage directory is not known', async () => {
    const res = await get(bare, '/volumes', bare.adminAuth);
    expect([res.status, errorCode(res)]).toEqual([404, 'NOT_FOUND']);
  });

  it('offers no certificate (404) until there is one, then the file to anyone, and says so in systeminfo', async () => {
    const none = await get(core, '/getcert');
    expect([none.status, errorCode(none)]).toEqual([404, 'NOT_FOUND']);
    expect((await get(core, '', core.adminAuth)).body.has_ca_root).toBe(false);
    const file = join(dir, 'ca_download', 'ca.crt');
    await mkdir(dirname(file), { recursive: true });
    await writeFile(file, PEM);
    const res = await fetch(`${core.url}/api/v2.0/systeminfo/getcert`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/octet-stream');
    expect(res.headers.get('content-disposition')).toBe('attachment; filename=ca.crt');
    expect(await res.text()).toBe(PEM);
    expect((await get(core, '', core.adminAuth)).body.has_ca_root).toBe(true);
    // Over plain HTTP the file is offered, but systeminfo does not point to it, as in Harbor.
    await mkdir(dirname(bare.config.caCertFile), { recursive: true });
    await writeFile(bare.config.caCertFile, PEM);
    expect((await get(bare, '/getcert')).status).toBe(200);
    expect((await get(bare, '', bare.adminAuth)).body.has_ca_root).toBe(false);
  });
});
