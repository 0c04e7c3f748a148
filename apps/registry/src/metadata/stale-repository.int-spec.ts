import { Client } from 'pg';
import { makeImage, pushImage, putManifest, RegistryHarness, startTestRegistry } from '../testing';

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
    const client = new Client({ connectionString: r.db.url });
    await client.connect();
    try {
      await client.query("DELETE FROM repository WHERE name = 'stale/app'");
    } finally {
      await client.end();
    }
    // An empty index needs no blobs, so the manifest transaction is the first write to use the id.
    const index = JSON.stringify({ schemaVersion: 2, mediaType: 'application/vnd.oci.image.index.v1+json', manifests: [] });
    const res = await putManifest(r.url, 'stale/app', 'empty', index, 'application/vnd.oci.image.index.v1+json');
    expect(res.status).toBe(201);
    const tags = (await (await fetch(`${r.url}/v2/stale/app/tags/list`)).json()) as { tags: string[] };
    expect(tags.tags).toEqual(['empty']);
  });
});
