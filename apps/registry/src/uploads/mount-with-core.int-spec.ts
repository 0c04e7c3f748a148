// Cross-repository mounts as deployed: core's token service issues the tokens and core's API
// deletes repositories, on the registry's database.
// eslint-disable-next-line @nx/enforce-module-boundaries
import { addTestMember, CoreHarness, createTestProject, createTestUser, startTestCore, TestUser } from '../../../core/src/testing';
import { RegistryHarness, sha256, startTokenRegistry } from '../testing';

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
});
