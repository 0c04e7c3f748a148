import { Client } from 'pg';
import { makeImage, pushBlob, pushImage, putManifest, RegistryHarness, sha256, startTestRegistry } from '../testing';

describe('a repository deleted underneath a process that cached its id', () => {
  let r: RegistryHarness;
  beforeAll(async () => {
    r = await startTestRegistry();
  });
  afterAll(async () => {
    await r.close();
  });

  it('is recreated by the next push instead of failing on the stale id', async () => {
    // The push caches the repository's id in this process.
    expect((await pushImage(r.url, 'stale/app', makeImage(), 'v1')).status).toBe(201);
    await sql("DELETE FROM repository WHERE name = 'stale/app'");
    // An empty index needs no blobs, so the manifest transaction is the first write to use the id.
    const index = JSON.stringify({ schemaVersion: 2, mediaType: 'application/vnd.oci.image.index.v1+json', manifests: [] });
    const res = await putManifest(r.url, 'stale/app', 'empty', index, 'application/vnd.oci.image.index.v1+json');
    expect(res.status).toBe(201);
    const tags = (await (await fetch(`${r.url}/v2/stale/app/tags/list`)).json()) as { tags: string[] };
    expect(tags.tags).toEqual(['empty']);
  });

  it('takes a cross-repository mount as a mount (201), not as the fallback to an upload', async () => {
    const layer = Buffer.from(`layer ${Math.random()}`);
    await pushBlob(r.url, 'stale/source', layer);
    expect((await pushImage(r.url, 'stale/mounted', makeImage(), 'v1')).status).toBe(201);
    // Deleted behind the registry's back, without the notice core's API sends: the id stays cached.
    await sql("DELETE FROM repository WHERE name = 'stale/mounted'");
    const mount = await fetch(`${r.url}/v2/stale/mounted/blobs/uploads/?mount=${sha256(layer)}&from=stale/source`, { method: 'POST' });
    expect(mount.status).toBe(201);
    expect((await fetch(`${r.url}/v2/stale/mounted/blobs/${sha256(layer)}`, { method: 'HEAD' })).status).toBe(200);
  });

  async function sql(statement: string): Promise<void> {
    const client = new Client({ connectionString: r.db.url });
    await client.connect();
    try {
      await client.query(statement);
    } finally {
      await client.end();
    }
  }
});
