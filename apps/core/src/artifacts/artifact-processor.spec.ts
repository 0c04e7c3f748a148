import { createHash } from 'node:crypto';
import { abstractMetadata, additionsOf, buildHistory, dataUrlIcon, defaultIconOf, BUILTIN_ICON, processorOf, MissingContentError } from './artifact-processor';

const OCI_MANIFEST = 'application/vnd.oci.image.manifest.v1+json';
const OCI_INDEX = 'application/vnd.oci.image.index.v1+json';
const digestOf = (data: Buffer) => `sha256:${createHash('sha256').update(data).digest('hex')}`;

/** A manifest over `config` and a blob reader that holds it (and `extra`). */
function stored(config: unknown, configMediaType: string, extra: { annotations?: Record<string, string>; layers?: object[] } = {}) {
  const configBody = Buffer.from(JSON.stringify(config));
  const blobs = new Map([[digestOf(configBody), configBody]]);
  const manifest = Buffer.from(
    JSON.stringify({
      schemaVersion: 2,
      mediaType: OCI_MANIFEST,
      config: { mediaType: configMediaType, digest: digestOf(configBody), size: configBody.length },
      layers: extra.layers ?? [],
      ...(extra.annotations ? { annotations: extra.annotations } : {}),
    }),
  );
  return { manifest, read: (digest: string) => Promise.resolve(blobs.get(digest)) };
}

describe('processorOf', () => {
  it('picks the processor as Harbor resolves it: artifact type first, indexes and CNAB bundles by their manifest', () => {
    const row = (manifest: string, artifactType: string, mediaType = artifactType) => ({ manifest_media_type: manifest, artifact_type: artifactType, media_type: mediaType });
    expect(processorOf(row(OCI_MANIFEST, 'application/vnd.oci.image.config.v1+json'))).toBe('image');
    expect(processorOf(row(OCI_MANIFEST, 'application/vnd.docker.container.image.v1+json'))).toBe('image');
    expect(processorOf(row(OCI_MANIFEST, 'application/vnd.cncf.helm.config.v1+json'))).toBe('chart');
    expect(processorOf(row(OCI_MANIFEST, 'application/vnd.wasm.config.v1+json'))).toBe('wasm');
    expect(processorOf(row(OCI_INDEX, OCI_INDEX))).toBe('index');
    expect(processorOf(row(OCI_INDEX, OCI_INDEX, 'application/vnd.cnab.manifest.v1'))).toBe('cnab');
    // A signature's artifactType wins over its image-like config, as Harbor's ResolveArtifactType.
    expect(processorOf(row(OCI_MANIFEST, 'application/vnd.dev.cosign.artifact.sig.v1+json', 'application/vnd.oci.image.config.v1+json'))).toBe('default');
    expect(additionsOf('image')).toEqual(['build_history']);
    expect(additionsOf('default')).toEqual([]);
  });

  it('names the built-in icon of each type, the default one for the rest', () => {
    expect(defaultIconOf('IMAGE')).toBe(BUILTIN_ICON.image);
    expect(defaultIconOf('CHART')).toBe(BUILTIN_ICON.chart);
    expect(defaultIconOf('THING')).toBe(BUILTIN_ICON.default);
  });
});

describe('abstractMetadata', () => {
  it("an image: author from the config, else the authors label, else the maintainer label; Go's zero values when absent", async () => {
    const withAuthor = stored({ author: 'Ann', config: { Labels: { maintainer: 'Max' } } }, 'application/vnd.oci.image.config.v1+json');
    expect((await abstractMetadata('image', withAuthor.manifest, 'x', withAuthor.read)).extraAttrs).toEqual({
      created: null,
      architecture: '',
      os: '',
      config: { Labels: { maintainer: 'Max' } },
      author: 'Ann',
    });
    const maintainer = stored({ config: { Labels: { maintainer: 'Max' } } }, 'application/vnd.oci.image.config.v1+json');
    expect((await abstractMetadata('image', maintainer.manifest, 'x', maintainer.read)).extraAttrs['author']).toBe('Max');
  });

  it('an empty config (size 0) is not read', async () => {
    const manifest = Buffer.from(JSON.stringify({ schemaVersion: 2, config: { mediaType: 'application/vnd.oci.image.config.v1+json', digest: 'sha256:none', size: 0 }, layers: [] }));
    const result = await abstractMetadata('image', manifest, 'x', () => Promise.reject(new Error('read')));
    expect(result.extraAttrs).toMatchObject({ os: '', config: {} });
  });

  it('a config storage does not hold is missing content (tried again later)', async () => {
    const { manifest } = stored({ os: 'linux' }, 'application/vnd.oci.image.config.v1+json');
    await expect(abstractMetadata('image', manifest, 'x', () => Promise.resolve(undefined))).rejects.toBeInstanceOf(MissingContentError);
  });

  it('wasm: the image fields for annotated modules, the layer fields for wasm-to-oci ones', async () => {
    const annotated = stored({ os: 'wasip1', architecture: 'wasm', author: 'w' }, 'application/vnd.wasm.config.v1+json', { annotations: { 'run.oci.handler': 'wasm' } });
    expect((await abstractMetadata('wasm', annotated.manifest, 'x', annotated.read)).extraAttrs).toMatchObject({
      'manifest.config.mediaType': 'application/vnd.wasm.config.v1+json',
      os: 'wasip1',
      author: 'w',
    });
    const plain = stored({}, 'application/vnd.wasm.config.v1+json', {
      layers: [{ mediaType: 'application/vnd.wasm.content.layer.v1+wasm', digest: 'sha256:l', size: 3, annotations: { 'org.opencontainers.image.title': 'm.wasm' } }],
    });
    expect((await abstractMetadata('wasm', plain.manifest, 'x', plain.read)).extraAttrs).toEqual({
      'manifest.config.mediaType': 'application/vnd.wasm.config.v1+json',
      'manifest.layers.mediaType': 'application/vnd.wasm.content.layer.v1+wasm',
      'org.opencontainers.image.title': 'm.wasm',
    });
  });

  it('other artifacts: the config only when its media type names a type', async () => {
    const untyped = stored({ a: 1 }, 'application/vnd.example+json');
    expect((await abstractMetadata('default', untyped.manifest, 'application/vnd.example+json', untyped.read)).extraAttrs).toEqual({});
  });
});

describe('buildHistory and dataUrlIcon', () => {
  it("keeps Harbor's history fields, leaving out empty ones; no history is null", () => {
    expect(buildHistory({ history: [{ created: '', created_by: 'x', empty_layer: false, other: 1 }] })).toEqual([{ created_by: 'x' }]);
    expect(buildHistory({})).toBeNull();
    expect(buildHistory(undefined)).toBeNull();
  });

  it('takes picture data URLs only', () => {
    const png = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 1, 2]);
    expect(dataUrlIcon(`data:image/png;base64,${png.toString('base64')}`)).toEqual(png);
    expect(dataUrlIcon(`data:image/svg+xml;base64,${png.toString('base64')}`)).toBeUndefined();
    expect(dataUrlIcon(`data:image/png;base64,${Buffer.from('text').toString('base64')}`)).toBeUndefined();
    expect(dataUrlIcon('https://example.com/icon.png')).toBeUndefined();
  });
});
