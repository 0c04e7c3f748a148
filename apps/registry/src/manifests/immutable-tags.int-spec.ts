import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { Client } from 'pg';
import { errorCode, makeImage, pushImage, RegistryHarness, startTestRegistry } from '../testing';
import { stopRegistry } from '../conformance/conformance-helpers';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('immutable tags in the data plane', () => {
  let r: RegistryHarness;
  let db: Client;
  let project = 0;

  beforeAll(async () => {
    r = await startTestRegistry();
    db = new Client({ connectionString: r.db.url });
    await db.connect();
  });

  afterAll(async () => {
    await db.end();
    await stopRegistry(r);
  });

  /** A fresh project with one rule (repositories and tags by pattern); returns the project name. */
  async function projectWithRule(repoPattern: string, tagPattern: string, opts: { disabled?: boolean; tagDecoration?: string } = {}): Promise<string> {
    const name = `immut${++project}`;
    const { rows } = await db.query<{ id: number }>('INSERT INTO project (name) VALUES ($1) RETURNING id', [name]);
    await db.query(
      'INSERT INTO immutable_tag_rule (project_id, disabled, tag_selectors, scope_selectors) VALUES ($1, $2, $3, $4)',
      [
        rows[0]!.id,
        opts.disabled ?? false,
        JSON.stringify([{ kind: 'doublestar', decoration: opts.tagDecoration ?? 'matches', pattern: tagPattern }]),
        JSON.stringify({ repository: [{ kind: 'doublestar', decoration: 'repoMatches', pattern: repoPattern }] }),
      ],
    );
    return name;
  }

  async function tagDigest(repo: string, tag: string): Promise<string | null> {
    const res = await fetch(`${r.url}/v2/${repo}/manifests/${tag}`, { method: 'HEAD', headers: { Accept: 'application/vnd.oci.image.manifest.v1+json' } });
    return res.status === 200 ? res.headers.get('docker-content-digest') : null;
  }

  it('creates an immutable tag, refuses to move it with 412, and accepts the same manifest again', async () => {
    const repo = `${await projectWithRule('**', 'v*')}/app`;
    const first = makeImage();
    expect((await pushImage(r.url, repo, first, 'v1')).status).toBe(201);
    const other = makeImage();
    const refused = await pushImage(r.url, repo, other, 'v1');
    expect(refused.status).toBe(412);
    const body = (await refused.json()) as { errors: { code: string; message: string }[] };
    expect(body.errors[0]).toMatchObject({ code: 'PRECONDITION', message: expect.stringContaining('tag v1 of') });
    expect(await tagDigest(repo, 'v1')).toBe(first.digest);
    expect((await pushImage(r.url, repo, first, 'v1')).status).toBe(201);
    // Tags the rule does not select move freely; the refused manifest can go under a new tag.
    expect((await pushImage(r.url, repo, first, 'latest')).status).toBe(201);
    expect((await pushImage(r.url, repo, other, 'latest')).status).toBe(201);
    expect((await pushImage(r.url, repo, other, 'v2')).status).toBe(201);
  });

  it('refuses deleting the tag or an artifact carrying it, and deletes what no rule protects', async () => {
    const repo = `${await projectWithRule('app', 'release-*')}/app`;
    const image = makeImage();
    await pushImage(r.url, repo, image, 'release-1');
    await pushImage(r.url, repo, image, 'nightly');
    const byTag = await fetch(`${r.url}/v2/${repo}/manifests/release-1`, { method: 'DELETE' });
    expect(byTag.status).toBe(412);
    expect(await errorCode(byTag)).toBe('PRECONDITION');
    const byDigest = await fetch(`${r.url}/v2/${repo}/manifests/${image.digest}`, { method: 'DELETE' });
    expect(byDigest.status).toBe(412);
    expect(((await byDigest.json()) as { errors: { message: string }[] }).errors[0]!.message).toContain('release-1');
    expect(await tagDigest(repo, 'release-1')).toBe(image.digest);
    expect((await fetch(`${r.url}/v2/${repo}/manifests/nightly`, { method: 'DELETE' })).status).toBe(202);
    expect(await tagDigest(repo, 'release-1')).toBe(image.digest);
  });

  it('protects nothing with a disabled rule, in repositories the rule does not select, or for excluded tags', async () => {
    const disabled = `${await projectWithRule('**', '**', { disabled: true })}/app`;
    const elsewhere = `${await projectWithRule('frontend/**', '**')}/backend`;
    const excluded = `${await projectWithRule('**', 'latest', { tagDecoration: 'excludes' })}/app`;
    for (const repo of [disabled, elsewhere]) {
      await pushImage(r.url, repo, makeImage(), 'v1');
      expect((await pushImage(r.url, repo, makeImage(), 'v1')).status).toBe(201);
    }
    await pushImage(r.url, excluded, makeImage(), 'latest');
    expect((await pushImage(r.url, excluded, makeImage(), 'latest')).status).toBe(201);
    await pushImage(r.url, excluded, makeImage(), 'v1');
    expect((await pushImage(r.url, excluded, makeImage(), 'v1')).status).toBe(412);
  });

  it('lets only one of two concurrent first pushes of an immutable tag win', async () => {
    const repo = `${await projectWithRule('**', 'v*')}/race`;
    for (let round = 0; round < 5; round++) {
      const [a, b] = [makeImage(), makeImage()];
      const tag = `v${round}`;
      const results = await Promise.all([pushImage(r.url, repo, a, tag), pushImage(r.url, repo, b, tag)]);
      const statuses = results.map((res) => res.status).sort();
      expect(statuses).toEqual([201, 412]);
      const winner = results[0]!.status === 201 ? a : b;
      expect(await tagDigest(repo, tag)).toBe(winner.digest);
    }
  });

  it('applies a rule added while the registry runs within seconds, and refuses skopeo with the reason', async () => {
    const name = `immut${++project}`;
    const { rows } = await db.query<{ id: number }>('INSERT INTO project (name) VALUES ($1) RETURNING id', [name]);
    const repo = `${name}/cli`;
    const first = makeImage();
    await pushImage(r.url, repo, first, 'stable');
    await db.query('INSERT INTO immutable_tag_rule (project_id, tag_selectors, scope_selectors) VALUES ($1, $2, $3)', [
      rows[0]!.id,
      JSON.stringify([{ kind: 'doublestar', decoration: 'matches', pattern: 'stable' }]),
      JSON.stringify({ repository: [{ kind: 'doublestar', decoration: 'repoMatches', pattern: '**' }] }),
    ]);
    await sleep(3500);
    const host = r.url.replace('http://', '');
    const copy = promisify(execFile)('skopeo', ['copy', '--dest-tls-verify=false', '--src-tls-verify=false', `docker://${host}/${repo}:stable`, `docker://${host}/${repo}:other`]);
    await copy;
    const second = makeImage();
    await pushImage(r.url, repo, second, 'other');
    const overwrite = promisify(execFile)('skopeo', ['copy', '--dest-tls-verify=false', '--src-tls-verify=false', `docker://${host}/${repo}:other`, `docker://${host}/${repo}:stable`]);
    await expect(overwrite).rejects.toMatchObject({ stderr: expect.stringMatching(/412|immutable|precondition/i) });
    expect(await tagDigest(repo, 'stable')).toBe(first.digest);
  });
});
