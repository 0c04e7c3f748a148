// Cross-repository mounts as deployed: core's token service issues the tokens and core's API
// deletes repositories, on the registry's database.
import { addTestMember, api, createTestProject, createTestUser, makeImage, pushBlob, pushImage, repeatUntil, sha256, TestUser } from '@wharf/testing';
import { CoreHarness, startTestCore } from '../../core/src/testing';
import { RegistryCache } from '../../registry/src/cache/registry-cache';
import { RegistryHarness, startTokenRegistry } from '../../registry/src/testing';

const DEVELOPER = 2;

interface Exchange {
  status: number;
  /** Every challenge the client was given, in order. */
  challenges: string[];
}

/**
 * A token client as the Docker registry token specification describes it: it sends a request
 * with the token it holds, and on a 401 asks the realm for a token with the challenge's scopes
 * (each as its own `scope` parameter) and sends the request again, a few times at most.
 */
class ChallengeFollowingClient {
  private token: string | undefined;

  constructor(
    private readonly registryUrl: string,
    private readonly basicAuth: string,
  ) {}

  async send(method: string, path: string, body?: Buffer): Promise<Exchange> {
    const challenges: string[] = [];
    for (let attempt = 0; ; attempt++) {
      const res = await fetch(`${this.registryUrl}${path}`, {
        method,
        headers: { ...(this.token ? { Authorization: `Bearer ${this.token}` } : {}), ...(body ? { 'Content-Type': 'application/octet-stream' } : {}) },
        body: body ? new Uint8Array(body) : undefined,
      });
      await res.arrayBuffer();
      const challenge = res.headers.get('www-authenticate');
      if (res.status !== 401 || challenge === null || attempt === 3) return { status: res.status, challenges };
      challenges.push(challenge);
      this.token = await this.fetchToken(challenge);
    }
  }

  private async fetchToken(challenge: string): Promise<string> {
    const params = Object.fromEntries([...challenge.matchAll(/(\w+)="([^"]*)"/g)].map((m) => [m[1], m[2]]));
    const query = new URLSearchParams({ service: params['service'] ?? '' });
    for (const scope of (params['scope'] ?? '').split(' ').filter(Boolean)) query.append('scope', scope);
    const res = await fetch(`${params['realm']}?${query}`, { headers: { Authorization: this.basicAuth } });
    if (res.status !== 200) throw new Error(`token request failed: ${res.status}`);
    return ((await res.json()) as { token: string }).token;
  }
}

describe('cross-repository mounts with core', () => {
  let core: CoreHarness;
  let registry: RegistryHarness;
  let alice: TestUser;

  beforeAll(async () => {
    core = await startTestCore();
    registry = await startTokenRegistry(core);
    alice = await createTestUser(core.url, core.adminAuth, 'alice', 'Alice12345');
    for (const project of ['base', 'team']) {
      await createTestProject(core.url, core.adminAuth, project);
      await addTestMember(core.url, core.adminAuth, project, 'alice', DEVELOPER);
    }
  }, 60_000);

  afterAll(async () => {
    await registry?.close();
    await core?.close();
  });

  it('a token client mounts after one challenge, which names pull on the source beside the target', async () => {
    const client = new ChallengeFollowingClient(registry.url, alice.auth);
    const layer = Buffer.from(`base layer ${Math.random()}`);
    expect((await client.send('POST', `/v2/base/os/blobs/uploads/?digest=${sha256(layer)}`, layer)).status).toBe(201);
    // The client holds a token for base/os only, as it would after pushing there.
    const mount = await client.send('POST', `/v2/team/app/blobs/uploads/?mount=${sha256(layer)}&from=base/os`);
    expect(mount).toEqual({
      status: 201,
      challenges: [expect.stringContaining('scope="repository:team/app:pull,push repository:base/os:pull"')],
    });
    expect((await client.send('HEAD', `/v2/team/app/blobs/${sha256(layer)}`)).status).toBe(200);
  });

  it('a repository deleted through the API and pushed again takes mounts at once, to it and from it', async () => {
    const client = new ChallengeFollowingClient(registry.url, alice.auth);
    // A push caches the repository's id in the registry process.
    const auth = await bearer('repository:team/again:pull,push repository:team/src:pull,push repository:team/next:pull,push');
    expect((await pushImage(registry.url, 'team/again', makeImage(), 'v1', auth)).status).toBe(201);
    const shared = Buffer.from(`shared layer ${Math.random()}`);
    await pushBlob(registry.url, 'team/src', shared, auth);

    const ids = registry.app.get(RegistryCache).repositoryIds;
    expect(ids.has('team/again')).toBe(true);
    const deleted = await api(core.url, 'DELETE', '/api/v2.0/projects/team/repositories/again', { auth: core.adminAuth });
    expect(deleted.status).toBe(200);
    // The deletion's notice makes the registry forget the id, so that the push below does not
    // even try the dead one (a write under it fails on a foreign key and is retried).
    const forgotten = await repeatUntil(async () => {
      expect((await fetch(`${registry.url}/v2/`, { headers: auth })).status).toBe(200);
      return !ids.has('team/again');
    }, (gone) => gone, 50);
    expect(forgotten).toBe(true);

    // Pushed again: a mount into it is a mount (201), not the fallback to an upload (202).
    expect((await client.send('POST', `/v2/team/again/blobs/uploads/?mount=${sha256(shared)}&from=team/src`)).status).toBe(201);
    const image = makeImage({ layers: [shared] });
    expect((await pushImage(registry.url, 'team/again', image, 'v2', auth)).status).toBe(201);
    // And it lends its blobs to another repository.
    expect((await client.send('POST', `/v2/team/next/blobs/uploads/?mount=${sha256(image.config)}&from=team/again`)).status).toBe(201);
    const tags = await fetch(`${registry.url}/v2/team/again/tags/list`, { headers: auth });
    expect(await tags.json()).toEqual({ name: 'team/again', tags: ['v2'] });
  });

  /** A token from core's token service for the admin, granting `scope` (space-separated scopes). */
  async function bearer(scope: string): Promise<Record<string, string>> {
    const query = new URLSearchParams({ service: core.config.token.service });
    for (const s of scope.split(' ')) query.append('scope', s);
    const res = await fetch(`${core.url}/service/token?${query}`, { headers: { Authorization: core.adminAuth } });
    expect(res.status).toBe(200);
    return { Authorization: `Bearer ${((await res.json()) as { token: string }).token}` };
  }
});
