import { randomBytes } from 'node:crypto';

// Limits set through the API must be the ones a running registry enforces, and the usage the API
// shows must be what pushes recorded: the real registry next to core, on one database.
import { api, createTestProject, makeImage, ociErrorCode, pushImage, sqlQuery, TestImage } from '@wharf/testing';
import { RegistryHarness, startTestRegistry } from '../../registry/src/testing';
import { CoreHarness, startTestCore } from '../../core/src/testing';

interface Quota {
  id: number;
  hard: { storage: number };
  used: { storage: number };
}

const bytesOf = (image: TestImage, withLayers = true) => image.manifest.length + image.config.length + (withLayers ? image.layers.reduce((n, l) => n + l.length, 0) : 0);

describe('quotas with a real registry', () => {
  let core: CoreHarness;
  let registry: RegistryHarness;

  const call = <T = unknown>(method: string, path: string, body?: unknown) => api<T>(core.url, method, `/api/v2.0${path}`, { auth: core.adminAuth, body });
  const recomputed = async (projectId: number) => Number((await sqlQuery<{ n: string }>(core.db.url, 'SELECT quota_recomputed($1)::text AS n', [projectId]))[0].n);

  beforeAll(async () => {
    core = await startTestCore();
    registry = await startTestRegistry({}, { db: core.db });
  });

  afterAll(async () => {
    await registry?.close();
    await core?.close();
  });

  it('shows what pushes stored, a layer shared by two images once', async () => {
    const name = `q-${randomBytes(3).toString('hex')}`;
    const id = await createTestProject(core.url, core.adminAuth, name);
    const layer = randomBytes(3000);
    const first = makeImage({ layers: [layer] });
    const second = makeImage({ layers: [layer, randomBytes(1000)] });
    expect((await pushImage(registry.url, `${name}/app`, first, 'v1')).status).toBe(201);
    expect((await pushImage(registry.url, `${name}/app`, second, 'v2')).status).toBe(201);
    const quota = await call<Quota>('GET', `/quotas/${id}`);
    expect(quota.body.used.storage).toBe(bytesOf(first) + bytesOf(second) - layer.length);
    expect(quota.body.used.storage).toBe(await recomputed(id));
  });

  it('shows no repository for a first push the quota refused, and lets the project be deleted', async () => {
    const name = `q-${randomBytes(3).toString('hex')}`;
    const id = await createTestProject(core.url, core.adminAuth, name);
    const image = makeImage({ layers: [randomBytes(3000)] });
    // Room for the config, not for the layer: the config is stored and charged, the push refused.
    expect((await call('PUT', `/quotas/${id}`, { hard: { storage: image.config.length + 100 } })).status).toBe(200);
    await expect(pushImage(registry.url, `${name}/app`, image, 'v1')).rejects.toThrow(/403/);
    const listed = await call<unknown[]>('GET', `/projects/${name}/repositories`);
    expect([listed.status, listed.body, listed.headers.get('x-total-count')]).toEqual([200, [], '0']);
    expect((await call('GET', `/projects/${name}/repositories/app`)).status).toBe(404);
    expect((await call<{ repo_count: number }>('GET', `/projects/${name}/summary`)).body.repo_count).toBe(0);
    expect((await call('DELETE', `/projects/${name}`)).status).toBe(200);
    expect(await sqlQuery(core.db.url, 'SELECT 1 FROM repository WHERE name = $1', [`${name}/app`])).toEqual([]);
  });

  it('has the registry refuse a push past a limit set through PUT /quotas, and accept one within it', async () => {
    const name = `q-${randomBytes(3).toString('hex')}`;
    const id = await createTestProject(core.url, core.adminAuth, name);
    const fits = makeImage({ layers: [randomBytes(2000)] });
    const tooMuch = makeImage({ layers: [randomBytes(2000)] });
    // Room for one image, not two; each blob alone fits, so only the manifest can be refused.
    const limit = bytesOf(fits) + bytesOf(tooMuch) - 1;
    // Set before the registry first looks at the project, so that no cached limit is in the way.
    expect((await call('PUT', `/quotas/${id}`, { hard: { storage: limit } })).status).toBe(200);
    expect((await pushImage(registry.url, `${name}/app`, fits, 'ok')).status).toBe(201);
    const refused = await pushImage(registry.url, `${name}/app`, tooMuch, 'no');
    expect([refused.status, await ociErrorCode(refused)]).toEqual([403, 'DENIED']);
    // The refused image's blobs were charged as their uploads completed (as in Harbor); they stay
    // charged until garbage collection removes them.
    const used = bytesOf(fits) + tooMuch.config.length + tooMuch.layers[0]!.length;
    const quota = await call<Quota>('GET', `/quotas/${id}`);
    expect(quota.body).toMatchObject({ hard: { storage: limit }, used: { storage: used } });
    expect(quota.body.used.storage).toBe(await recomputed(id));

    // Lowering below the usage is taken; what is stored stays, and is still counted.
    expect((await call('PUT', `/quotas/${id}`, { hard: { storage: 1 } })).status).toBe(200);
    const lowered = await call<Quota>('GET', `/quotas/${id}`);
    expect(lowered.body).toMatchObject({ hard: { storage: 1 }, used: { storage: used } });
    const pulled = await fetch(`${registry.url}/v2/${name}/app/manifests/ok`, { headers: { Accept: fits.mediaType } });
    expect(pulled.status).toBe(200);
  });
});
