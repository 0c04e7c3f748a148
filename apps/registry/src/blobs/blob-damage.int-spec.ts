import { truncateSync } from 'node:fs';
import { join } from 'node:path';
import { pushBlob, RegistryHarness, startTestRegistry } from '../testing';

describe('a blob damaged on disk', () => {
  let r: RegistryHarness;
  beforeAll(async () => {
    r = await startTestRegistry();
  });
  afterAll(async () => {
    await r.close();
  });

  it('cuts the connection instead of leaving the client waiting for the promised length', async () => {
    const data = Buffer.alloc(3 * 1024 * 1024, 7);
    const digest = await pushBlob(r.url, 'damage/app', data);
    const hex = digest.slice('sha256:'.length);
    truncateSync(join(r.config.dataDir, 'blobs', 'sha256', hex.slice(0, 2), hex), 1000);

    const started = Date.now();
    const res = await fetch(`${r.url}/v2/damage/app/blobs/${digest}`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-length')).toBe(String(data.length));
    // The body must fail (short read detected), and promptly, not after a keep-alive timeout.
    await expect(res.arrayBuffer()).rejects.toThrow();
    expect(Date.now() - started).toBeLessThan(5000);
    // The registry keeps serving.
    expect((await fetch(`${r.url}/v2/`)).status).toBe(200);
  });
});
