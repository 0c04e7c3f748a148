import { api } from '@wharf/testing';
import { type CoreHarness, startTestCore } from '../../core/src/testing';
import { stopRegistry } from '../../registry/src/conformance/conformance-helpers';
import { type RegistryHarness, startTestRegistry } from '../../registry/src/testing';

interface Health {
  status: string;
  components: { name: string; status: string; error?: string }[];
}

/** Core's /api/v2.0/health with REGISTRY_URL: the registry and its storage, as the registry sees them. */
describe('core health reports the registry and its storage', () => {
  let registry: RegistryHarness;
  let core: CoreHarness;

  afterEach(async () => {
    await core?.close();
    if (registry) await stopRegistry(registry);
  });

  it('says the storage is unhealthy while uploads are refused for its free space, and the registry is up', async () => {
    // A reserve larger than any disk here: free space is below it.
    registry = await startTestRegistry({ storageReserveBytes: 1024 ** 5 });
    core = await startTestCore({ registryUrl: registry.url });
    const res = await api<Health>(core.url, 'GET', '/api/v2.0/health');
    expect(res.status).toBe(200);
    expect(res.body.status).toBe('unhealthy');
    expect(res.body.components).toEqual([
      { name: 'core', status: 'healthy' },
      { name: 'database', status: 'healthy' },
      { name: 'redis', status: 'healthy' },
      { name: 'registry', status: 'healthy' },
      { name: 'storage', status: 'unhealthy', error: expect.stringMatching(/MiB free, below the \d+ MiB reserve: uploads are refused/) },
    ]);
  });

  it('says everything is healthy with room on the storage, and the registry unhealthy when it does not answer', async () => {
    registry = await startTestRegistry({ storageReserveBytes: 1024 * 1024 });
    core = await startTestCore({ registryUrl: registry.url });
    const healthy = await api<Health>(core.url, 'GET', '/api/v2.0/health');
    expect(healthy.body.status).toBe('healthy');
    expect(healthy.body.components.map((c) => [c.name, c.status])).toEqual([
      ['core', 'healthy'],
      ['database', 'healthy'],
      ['redis', 'healthy'],
      ['registry', 'healthy'],
      ['storage', 'healthy'],
    ]);
    await core.close();
    const gone = registry.url;
    await stopRegistry(registry);
    registry = undefined as unknown as RegistryHarness;
    core = await startTestCore({ registryUrl: gone });
    const down = await api<Health>(core.url, 'GET', '/api/v2.0/health');
    expect(down.body.status).toBe('unhealthy');
    expect(down.body.components.find((c) => c.name === 'registry')).toMatchObject({ status: 'unhealthy', error: expect.any(String) });
  });
});
