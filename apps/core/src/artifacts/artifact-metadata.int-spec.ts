import { createHash } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { FilesystemDriver } from '@wharf/storage';
import { renderPng } from '../icons/builtin-icons';
import { RegistryRows } from '@wharf/testing';
import { api, CoreHarness, createRoleCast, createTestProject, errorCode, startTestCore, TestUser } from '../testing';
import { BUILTIN_ICON } from './artifact-processor';

const OCI_MANIFEST = 'application/vnd.oci.image.manifest.v1+json';
const OCI_CONFIG = 'application/vnd.oci.image.config.v1+json';
const HELM_CONFIG = 'application/vnd.cncf.helm.config.v1+json';
const HELM_LAYER = 'application/vnd.cncf.helm.chart.content.v1.tar+gzip';

interface ArtifactView {
  digest: string;
  type: string;
  icon: string;
  extra_attrs: Record<string, unknown>;
  addition_links?: Record<string, { href: string; absolute: boolean }>;
}

const digestOf = (data: Buffer) => `sha256:${createHash('sha256').update(data).digest('hex')}`;

/** A ustar archive of `files` (path -> text), as `helm package` lays a chart out. */
function tar(files: Record<string, string>): Buffer {
  const parts: Buffer[] = [];
  for (const [name, text] of Object.entries(files)) {
    const body = Buffer.from(text, 'utf8');
    const header = Buffer.alloc(512);
    header.write(name, 0, 'utf8');
    header.write('0000644\0', 100);
    header.write('0000000\0', 108);
    header.write('0000000\0', 116);
    header.write(`${body.length.toString(8).padStart(11, '0')}\0`, 124);
    header.write('00000000000\0', 136);
    header.write('0', 156);
    header.write('ustar\0', 257);
    header.write('00', 263);
    header.fill(' ', 148, 156);
    const sum = header.reduce((a, b) => a + b, 0);
    header.write(`${sum.toString(8).padStart(6, '0')}\0 `, 148);
    parts.push(header, body, Buffer.alloc((512 - (body.length % 512)) % 512));
  }
  parts.push(Buffer.alloc(1024));
  return Buffer.concat(parts);
}

describe('artifact metadata, additions and icons', () => {
  let core: CoreHarness;
  let rows: RegistryRows;
  let storageDir: string;
  let storage: FilesystemDriver;
  let repo: string;
  const users = {} as Record<'alice' | 'maria' | 'dave' | 'gina' | 'lena' | 'mallory', TestUser>;
  const d = {} as Record<'image' | 'chart' | 'index' | 'typed' | 'gone' | 'broken' | 'public' | 'cnab', string>;

  const call = <T = unknown>(path: string, auth?: string) => api<T>(core.url, 'GET', `/api/v2.0${path}`, { auth });
  const ART = '/projects/team/repositories/apps%252Fweb/artifacts';

  const imageConfig = {
    created: '2024-05-01T10:00:00Z',
    architecture: 'arm64',
    os: 'linux',
    config: { Env: ['PATH=/usr/bin'], Cmd: ['/app'], Labels: { 'org.opencontainers.image.authors': 'Ops Team' } },
    rootfs: { type: 'layers', diff_ids: ['sha256:' + 'a'.repeat(64)] },
    history: [
      { created: '2024-05-01T09:00:00Z', created_by: '/bin/sh -c #(nop) ADD file:abc in /' },
      { created: '2024-05-01T09:30:00Z', created_by: '/bin/sh -c #(nop)  ENV PATH=/usr/bin', empty_layer: true },
      { created: '2024-05-01T10:00:00Z', created_by: 'COPY app /app', comment: 'buildkit.dockerfile.v0', author: 'ci' },
    ],
  };
  const chartIcon = renderPng((x) => (x < 0.5 ? [200, 0, 0, 255] : undefined), 8);
  const chartMeta = {
    apiVersion: 'v2',
    name: 'web',
    version: '1.2.3',
    appVersion: '4.5',
    description: 'A web chart',
    icon: `data:image/png;base64,${chartIcon.toString('base64')}`,
    dependencies: [{ name: 'redis', version: '17.x', repository: 'https://charts.example.com', condition: 'redis.enabled' }],
  };
  const chartYaml = [
    'apiVersion: v2',
    'name: web',
    'version: 1.2.3',
    `icon: ${chartMeta.icon}`,
    'dependencies:',
    '  - name: redis',
    '    version: 17.x',
    '    repository: https://charts.example.com',
    '    condition: redis.enabled',
    '  - name: common',
    '    repository: oci://charts.example.com/lib',
    '    version: 2.0.0',
    '    alias: base',
    '',
  ].join('\n');
  const values = 'replicaCount: 2\nimage:\n  repository: nginx\n';
  const readme = '# web\n\nA web chart.\n';
  const bundle = { schemaVersion: 'v1.0.0', name: 'hello', version: '0.1.0', invocationImages: [{ imageType: 'docker', image: 'example/hello:0.1.0' }] };
  const layerIcon = renderPng((x, y) => (x + y < 1 ? [0, 0, 200, 255] : undefined), 16);

  /** Puts a manifest (and its blobs) into storage and records the artifact row as a push would. */
  async function push(manifest: object, blobs: Buffer[], options: { configMediaType: string | null; mediaType?: string; repository?: string }) {
    for (const blob of blobs) await storage.putBlob(digestOf(blob), blob);
    const body = Buffer.from(JSON.stringify(manifest));
    const digest = digestOf(body);
    await storage.putBlob(digest, body);
    await rows.artifact(options.repository ?? repo, { digest, configMediaType: options.configMediaType, mediaType: options.mediaType });
    return digest;
  }

  beforeAll(async () => {
    storageDir = await mkdtemp(join(tmpdir(), 'wharf-additions-'));
    storage = new FilesystemDriver(storageDir);
    core = await startTestCore({ storageDir });
    rows = RegistryRows.open(core.db.url);
    await createTestProject(core.url, core.adminAuth, 'team');
    await createTestProject(core.url, core.adminAuth, 'open', true);
    Object.assign(users, await createRoleCast(core.url, core.adminAuth, 'team'));
    repo = await rows.repository('team/apps/web');

    const config = Buffer.from(JSON.stringify(imageConfig));
    const layer = Buffer.from('layer bytes');
    d.image = await push(
      {
        schemaVersion: 2,
        mediaType: OCI_MANIFEST,
        config: { mediaType: OCI_CONFIG, digest: digestOf(config), size: config.length },
        layers: [{ mediaType: 'application/vnd.oci.image.layer.v1.tar+gzip', digest: digestOf(layer), size: layer.length }],
      },
      [config, layer],
      { configMediaType: OCI_CONFIG },
    );
    await rows.tag(repo, (await rows.query<{ id: string }>('SELECT id FROM artifact WHERE digest = $1', [d.image]))[0].id, 'v1');

    const chartConfig = Buffer.from(JSON.stringify(chartMeta));
    const tgz = gzipSync(tar({ 'web/Chart.yaml': chartYaml, 'web/values.yaml': values, 'web/README.md': readme, 'web/templates/README.md': 'not this one' }));
    d.chart = await push(
      {
        schemaVersion: 2,
        mediaType: OCI_MANIFEST,
        config: { mediaType: HELM_CONFIG, digest: digestOf(chartConfig), size: chartConfig.length },
        layers: [{ mediaType: HELM_LAYER, digest: digestOf(tgz), size: tgz.length }],
      },
      [chartConfig, tgz],
      { configMediaType: HELM_CONFIG },
    );

    const typedConfig = Buffer.from(JSON.stringify({ title: 'thing', secret: 'hidden', size: 3 }));
    d.typed = await push(
      {
        schemaVersion: 2,
        mediaType: OCI_MANIFEST,
        config: {
          mediaType: 'application/vnd.example.thing.config.v1+json',
          digest: digestOf(typedConfig),
          size: typedConfig.length,
          annotations: { 'io.goharbor.artifact.v1alpha1.skip-list': 'secret' },
        },
        layers: [{ mediaType: 'image/png', digest: digestOf(layerIcon), size: layerIcon.length, annotations: { 'io.goharbor.artifact.v1alpha1.icon': '' } }],
      },
      [typedConfig, layerIcon],
      { configMediaType: 'application/vnd.example.thing.config.v1+json' },
    );

    const index = Buffer.from(JSON.stringify({ schemaVersion: 2, mediaType: 'application/vnd.oci.image.index.v1+json', manifests: [] }));
    d.index = digestOf(index);
    await storage.putBlob(d.index, index);
    await rows.artifact(repo, { digest: d.index, mediaType: 'application/vnd.oci.image.index.v1+json', configMediaType: null, artifactType: null });

    // A CNAB bundle: an index whose annotation says so, one of its manifests holding the bundle's config.
    const bundleConfig = Buffer.from(JSON.stringify(bundle));
    const cnabConfig = await push(
      { schemaVersion: 2, mediaType: OCI_MANIFEST, config: { mediaType: 'application/vnd.cnab.config.v1+json', digest: digestOf(bundleConfig), size: bundleConfig.length }, layers: [] },
      [bundleConfig],
      { configMediaType: 'application/vnd.cnab.config.v1+json' },
    );
    const cnabAnnotations = { 'org.opencontainers.artifactType': 'application/vnd.cnab.manifest.v1' };
    const cnabIndex = Buffer.from(
      JSON.stringify({
        schemaVersion: 2,
        mediaType: 'application/vnd.oci.image.index.v1+json',
        manifests: [{ mediaType: OCI_MANIFEST, digest: cnabConfig, size: 300, annotations: { 'io.cnab.manifest.type': 'config' } }],
        annotations: cnabAnnotations,
      }),
    );
    d.cnab = digestOf(cnabIndex);
    await storage.putBlob(d.cnab, cnabIndex);
    await rows.artifact(repo, { digest: d.cnab, mediaType: 'application/vnd.oci.image.index.v1+json', configMediaType: null, artifactType: null, annotations: cnabAnnotations });

    // Recorded by the registry, but its bytes are not in storage (yet, or any more).
    d.gone = (await rows.artifact(repo)).digest;
    // A chart whose layer is not a packaged chart.
    const brokenConfig = Buffer.from('{"name":"broken"}');
    const notGzip = Buffer.from('not a tarball');
    d.broken = await push(
      {
        schemaVersion: 2,
        mediaType: OCI_MANIFEST,
        config: { mediaType: HELM_CONFIG, digest: digestOf(brokenConfig), size: brokenConfig.length },
        layers: [{ mediaType: HELM_LAYER, digest: digestOf(notGzip), size: notGzip.length }],
      },
      [brokenConfig, notGzip],
      { configMediaType: HELM_CONFIG },
    );
    const openRepo = await rows.repository('open/site');
    d.public = await push(
      {
        schemaVersion: 2,
        mediaType: OCI_MANIFEST,
        config: { mediaType: OCI_CONFIG, digest: digestOf(config), size: config.length },
        layers: [{ mediaType: 'application/vnd.oci.image.layer.v1.tar+gzip', digest: digestOf(layer), size: layer.length }],
        annotations: { copy: 'yes' },
      },
      [],
      { configMediaType: OCI_CONFIG, repository: openRepo },
    );
  });

  afterAll(async () => {
    await rows?.close();
    await core?.close();
    if (storageDir) await rm(storageDir, { recursive: true, force: true });
  });

  describe('extra_attrs, icon and addition_links', () => {
    it('an image: the config architecture, os, config, created and author (from the authors label), the image icon, a build_history link', async () => {
      const res = await call<ArtifactView>(`${ART}/v1`, users.gina.auth);
      expect(res.status).toBe(200);
      expect(res.body.extra_attrs).toEqual({
        architecture: 'arm64',
        os: 'linux',
        created: '2024-05-01T10:00:00Z',
        author: 'Ops Team',
        config: imageConfig.config,
      });
      expect(res.body.icon).toBe(BUILTIN_ICON.image);
      expect(res.body.addition_links).toEqual({
        build_history: { href: `/api/v2.0/projects/team/repositories/apps%252Fweb/artifacts/${d.image}/additions/build_history`, absolute: false },
      });
    });

    it('a chart: its metadata, its own data URL icon, three addition links', async () => {
      const res = await call<ArtifactView>(`${ART}/${d.chart}`, users.gina.auth);
      expect(res.status).toBe(200);
      expect(res.body.type).toBe('CHART');
      expect(res.body.extra_attrs).toEqual(chartMeta);
      expect(res.body.icon).toBe(digestOf(chartIcon));
      expect(Object.keys(res.body.addition_links ?? {}).sort()).toEqual(['dependencies', 'readme.md', 'values.yaml']);
    });

    it('another typed artifact: its type from the config media type, the config without skipped keys, its icon layer; a CNAB bundle its config; an index nothing', async () => {
      const list = await call<ArtifactView[]>(`${ART}?page_size=20`, users.gina.auth);
      expect(list.status).toBe(200);
      const byDigest = new Map(list.body.map((a) => [a.digest, a]));
      expect(byDigest.get(d.typed)).toMatchObject({ type: 'THING', extra_attrs: { title: 'thing', size: 3 }, icon: digestOf(layerIcon) });
      expect(byDigest.get(d.typed)).not.toHaveProperty('addition_links');
      expect(byDigest.get(d.index)).toMatchObject({ type: 'IMAGE', extra_attrs: {}, icon: BUILTIN_ICON.image });
      expect(byDigest.get(d.index)).not.toHaveProperty('addition_links');
      expect(byDigest.get(d.cnab)).toMatchObject({
        type: 'CNAB',
        media_type: 'application/vnd.cnab.manifest.v1',
        manifest_media_type: 'application/vnd.oci.image.index.v1+json',
        extra_attrs: bundle,
        icon: BUILTIN_ICON.cnab,
      });
      expect(byDigest.get(d.cnab)).not.toHaveProperty('addition_links');
      // The list answers what the single artifact answers.
      expect(byDigest.get(d.image)?.extra_attrs).toMatchObject({ architecture: 'arm64', author: 'Ops Team' });
    });

    it('is worked out once and recorded; content not in storage shows empty attributes and is tried again later', async () => {
      await call(`${ART}?page_size=20`, users.gina.auth);
      const recorded = await rows.query<{ digest: string; extra_attrs: Record<string, unknown> | null; icon: string | null }>(
        'SELECT digest, extra_attrs, icon FROM artifact WHERE repository_id = $1',
        [repo],
      );
      const byDigest = new Map(recorded.map((r) => [r.digest, r]));
      expect(byDigest.get(d.image)?.extra_attrs).toMatchObject({ os: 'linux' });
      expect(byDigest.get(d.chart)?.icon).toBe(digestOf(chartIcon));
      expect(byDigest.get(d.index)?.extra_attrs).toEqual({});
      expect(byDigest.get(d.gone)?.extra_attrs).toBeNull();
      const gone = await call<ArtifactView>(`${ART}/${d.gone}`, users.gina.auth);
      expect(gone.body).toMatchObject({ extra_attrs: {}, icon: BUILTIN_ICON.image });

      // What is recorded is what is answered (an artifact pushed before is filled on its first read).
      await rows.query(`UPDATE artifact SET extra_attrs = '{"recorded":true}' WHERE digest = $1`, [d.image]);
      expect((await call<ArtifactView>(`${ART}/${d.image}`, users.gina.auth)).body.extra_attrs).toEqual({ recorded: true });
      await rows.query('UPDATE artifact SET extra_attrs = NULL WHERE digest = $1', [d.image]);
      expect((await call<ArtifactView>(`${ART}/${d.image}`, users.gina.auth)).body.extra_attrs).toMatchObject({ architecture: 'arm64' });
    });
  });

  describe('GET .../additions/{addition}', () => {
    it("build_history: the image config's history as Harbor answers it", async () => {
      const res = await call<unknown[]>(`${ART}/v1/additions/build_history`, users.gina.auth);
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toBe('application/json; charset=utf-8');
      expect(res.body).toEqual([
        { created: '2024-05-01T09:00:00Z', created_by: '/bin/sh -c #(nop) ADD file:abc in /' },
        { created: '2024-05-01T09:30:00Z', created_by: '/bin/sh -c #(nop)  ENV PATH=/usr/bin', empty_layer: true },
        { created: '2024-05-01T10:00:00Z', created_by: 'COPY app /app', author: 'ci', comment: 'buildkit.dockerfile.v0' },
      ]);
    });

    it("a chart's values.yaml, readme.md and dependencies from its packaged chart", async () => {
      const valuesRes = await call(`${ART}/${d.chart}/additions/values.yaml`, users.lena.auth);
      expect(valuesRes.status).toBe(200);
      expect(valuesRes.headers.get('content-type')).toBe('text/plain; charset=utf-8');
      expect(valuesRes.body).toBe(values);
      const readmeRes = await call(`${ART}/${d.chart}/additions/readme.md`, users.lena.auth);
      expect(readmeRes.status).toBe(200);
      expect(readmeRes.headers.get('content-type')).toBe('text/markdown; charset=utf-8');
      expect(readmeRes.body).toBe(readme);
      const deps = await call(`${ART}/${d.chart}/additions/dependencies`, users.lena.auth);
      expect(deps.status).toBe(200);
      expect(deps.headers.get('content-type')).toBe('application/json; charset=utf-8');
      expect(deps.body).toEqual([
        { name: 'redis', version: '17.x', repository: 'https://charts.example.com', condition: 'redis.enabled' },
        { name: 'common', version: '2.0.0', repository: 'oci://charts.example.com/lib', alias: 'base' },
      ]);
    });

    it('an addition the API does not name is 422; one the artifact type does not have is 400', async () => {
      for (const name of ['nope', 'BUILD_HISTORY', 'README.md']) {
        const res = await call(`${ART}/v1/additions/${name}`, users.gina.auth);
        expect([name, res.status, errorCode(res)]).toEqual([name, 422, 'UNPROCESSABLE_ENTITY']);
      }
      for (const [ref, addition] of [
        ['v1', 'readme.md'],
        ['v1', 'sbom'],
        [d.chart, 'build_history'],
        [d.index, 'build_history'],
        [d.typed, 'values.yaml'],
        [d.cnab, 'build_history'],
      ]) {
        const res = await call(`${ART}/${ref}/additions/${addition}`, users.gina.auth);
        expect([ref, addition, res.status, errorCode(res)]).toEqual([ref, addition, 400, 'BAD_REQUEST']);
      }
    });

    it('bad references are 400; unknown artifacts, repositories, projects and missing content 404; a broken chart 400', async () => {
      expect((await call(`${ART}/a@b@c/additions/build_history`, users.gina.auth)).status).toBe(400);
      expect((await call(`${ART}/sha256:abc/additions/build_history`, users.gina.auth)).status).toBe(400);
      for (const path of [
        `${ART}/v9/additions/build_history`,
        `${ART}/sha256:${'0'.repeat(64)}/additions/build_history`,
        '/projects/team/repositories/none/artifacts/v1/additions/build_history',
        '/projects/nobody/repositories/web/artifacts/v1/additions/build_history',
        `${ART}/${d.gone}/additions/build_history`,
      ]) {
        const res = await call(path, users.gina.auth);
        expect([path, res.status, errorCode(res)]).toEqual([path, 404, 'NOT_FOUND']);
      }
      const broken = await call(`${ART}/${d.broken}/additions/readme.md`, users.gina.auth);
      expect([broken.status, errorCode(broken)]).toEqual([400, 'BAD_REQUEST']);
    });

    it('needs artifact read: every project role may, a non-member and anonymous may not; anyone in a public project', async () => {
      for (const name of ['alice', 'maria', 'dave', 'gina', 'lena'] as const) {
        expect([name, (await call(`${ART}/v1/additions/build_history`, users[name].auth)).status]).toEqual([name, 200]);
      }
      expect((await call(`${ART}/v1/additions/build_history`, users.mallory.auth)).status).toBe(403);
      expect((await call(`${ART}/v1/additions/build_history`)).status).toBe(401);
      expect((await call(`${ART}/v1/additions/build_history`, core.adminAuth)).status).toBe(200);
      const open = await call<unknown[]>(`/projects/open/repositories/site/artifacts/${d.public}/additions/build_history`);
      expect(open.status).toBe(200);
      expect(open.body).toHaveLength(3);
    });
  });

  describe('GET /icons/{digest}', () => {
    it('the built-in icons of artifact types: 50x50 PNGs, to anyone', async () => {
      for (const digest of Object.values(BUILTIN_ICON)) {
        const res = await call<{ 'content-type': string; content: string }>(`/icons/${digest}`);
        expect(res.status).toBe(200);
        expect(res.body['content-type']).toBe('image/png');
        const png = Buffer.from(res.body.content, 'base64');
        expect(png.subarray(1, 4).toString('latin1')).toBe('PNG');
        expect([png.readUInt32BE(16), png.readUInt32BE(20)]).toEqual([50, 50]);
      }
    });

    it("an artifact's own icon: a chart's data URL icon, an icon layer", async () => {
      const chart = await call<{ 'content-type': string; content: string }>(`/icons/${digestOf(chartIcon)}`);
      expect(chart.status).toBe(200);
      expect(chart.body).toEqual({ 'content-type': 'image/png', content: chartIcon.toString('base64') });
      const layer = await call<{ 'content-type': string; content: string }>(`/icons/${digestOf(layerIcon)}`, users.mallory.auth);
      expect(layer.status).toBe(200);
      expect(layer.body).toEqual({ 'content-type': 'image/png', content: layerIcon.toString('base64') });
    });

    it('a digest no artifact names as its icon is 404, a blob that is not an icon included', async () => {
      for (const digest of [`sha256:${'1'.repeat(64)}`, 'not-a-digest', d.image, digestOf(Buffer.from('layer bytes'))]) {
        const res = await call(`/icons/${digest}`);
        expect([digest, res.status, errorCode(res)]).toEqual([digest, 404, 'NOT_FOUND']);
      }
    });
  });
});
