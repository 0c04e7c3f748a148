import { createHash } from 'node:crypto';
import { MediaType } from '@wharf/oci';
import { CNAB_MEDIA_TYPE, HELM_CONFIG_MEDIA_TYPE, WASM_CONFIG_MEDIA_TYPE } from './artifact-columns';

/**
 * Harbor's artifact processors, reduced to what they work out from stored bytes: which processor
 * an artifact gets (by its artifact type, else its config media type, as Harbor resolves it), the
 * extra_attrs it abstracts from the manifest and config, the additions it offers and its icon.
 */
export type ProcessorKind = 'image' | 'index' | 'cnab' | 'chart' | 'wasm' | 'default';

/** The additions Harbor's API names (the path parameter's enum); which exist depends on the processor. */
export const ADDITION_NAMES = ['build_history', 'values.yaml', 'readme.md', 'dependencies', 'sbom', 'license', 'files'] as const;
export type AdditionName = (typeof ADDITION_NAMES)[number];

const ADDITIONS: Readonly<Record<ProcessorKind, readonly AdditionName[]>> = {
  image: ['build_history'],
  wasm: ['build_history'],
  chart: ['values.yaml', 'readme.md', 'dependencies'],
  index: [],
  cnab: [],
  default: [],
};

export function additionsOf(kind: ProcessorKind): readonly AdditionName[] {
  return ADDITIONS[kind];
}

/** What the processor choice needs of an artifact row. */
export interface ProcessorInput {
  manifest_media_type: string;
  /** Harbor's media_type: the config's, or for an index the type its annotations name. */
  media_type: string;
  /** The manifest's artifactType, else its config media type, else the manifest media type. */
  artifact_type: string;
}

export function processorOf(row: ProcessorInput): ProcessorKind {
  const type = row.artifact_type;
  const isIndex = row.manifest_media_type === MediaType.OCI_INDEX || row.manifest_media_type === MediaType.DOCKER_MANIFEST_LIST;
  if (isIndex && row.media_type === CNAB_MEDIA_TYPE) return 'cnab';
  if (isIndex || type === MediaType.OCI_INDEX || type === MediaType.DOCKER_MANIFEST_LIST) return 'index';
  if (type === MediaType.OCI_CONFIG || type === MediaType.DOCKER_CONFIG) return 'image';
  if (type === HELM_CONFIG_MEDIA_TYPE) return 'chart';
  if (type === WASM_CONFIG_MEDIA_TYPE) return 'wasm';
  return 'default';
}

/**
 * The digests Harbor names its built-in icons by (its API's `icon` field carries them); the
 * pictures served under them are Wharf's own.
 */
export const BUILTIN_ICON = {
  image: 'sha256:0048162a053eef4d4ce3fe7518615bef084403614f8bca43b40ae2e762e11e06',
  chart: 'sha256:61cf3a178ff0f75bf08a25d96b75cf7355dc197749a9f128ed3ef34b0df05518',
  cnab: 'sha256:089bdda265c14d8686111402c8ad629e8177a1ceb7dcd0f7f39b6480f623b3bd',
  default: 'sha256:da834479c923584f4cbcdecc0dac61f32bef1d51e8aae598cf16bd154efab49f',
  wasm: 'sha256:badd7693bcaf115be202748241dd0ea6ee3b0524bfab9ac22d1e1c43721afec6',
  cnai: 'sha256:1e1e5c5fdaf0931ec8655e835d1182f723a0c322a6760211622e1270f0193717',
  cosign: 'sha256:20401d5b3a0f6dbc607c8d732eb08471af4ae6b19811a4efce8c6a724aed2882',
  notation: 'sha256:3ac706e102bbe9362b400aa162df58135d35e66b9c3bee2165de92022d25fe34',
  nydus: 'sha256:dfcb6617cd9c144358dc1b305b87bbe34f0b619f1e329116e6aee2e41f2e34cf',
  sbom: 'sha256:c19f80c357cd7e90d2a01b9ae3e2eb62ce447a2662bb590a19177d72d550bdae',
} as const;
export type BuiltinIcon = keyof typeof BUILTIN_ICON;

/** The icon of an artifact of Harbor type `type` without an icon of its own. */
export function defaultIconOf(type: string): string {
  switch (type) {
    case 'IMAGE':
      return BUILTIN_ICON.image;
    case 'CHART':
      return BUILTIN_ICON.chart;
    case 'CNAB':
      return BUILTIN_ICON.cnab;
    case 'WASM':
      return BUILTIN_ICON.wasm;
    case 'SBOM':
      return BUILTIN_ICON.sbom;
    case 'CNAI':
      return BUILTIN_ICON.cnai;
    default:
      return BUILTIN_ICON.default;
  }
}

interface Descriptor {
  mediaType?: unknown;
  digest?: unknown;
  size?: unknown;
  annotations?: unknown;
}

export interface ParsedManifest {
  mediaType?: string;
  config?: { mediaType?: string; digest: string; size: number; annotations: Record<string, string> };
  layers: { mediaType?: string; digest: string; size: number; annotations: Record<string, string> }[];
  annotations: Record<string, string>;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function stringMap(value: unknown): Record<string, string> {
  if (!isObject(value)) return {};
  return Object.fromEntries(Object.entries(value).filter((e): e is [string, string] => typeof e[1] === 'string'));
}

function descriptor(value: unknown): ParsedManifest['layers'][number] | undefined {
  if (!isObject(value)) return undefined;
  const d = value as Descriptor;
  if (typeof d.digest !== 'string') return undefined;
  return {
    mediaType: typeof d.mediaType === 'string' ? d.mediaType : undefined,
    digest: d.digest,
    size: typeof d.size === 'number' ? d.size : 0,
    annotations: stringMap(d.annotations),
  };
}

/** The parts of a stored (already validated on push) manifest the processors read. */
export function parseManifest(body: Buffer): ParsedManifest {
  const json: unknown = JSON.parse(body.toString('utf8'));
  if (!isObject(json)) throw new CorruptContentError('manifest is not a JSON object');
  return {
    mediaType: typeof json['mediaType'] === 'string' ? json['mediaType'] : undefined,
    config: descriptor(json['config']),
    layers: Array.isArray(json['layers']) ? json['layers'].map(descriptor).filter((d) => d !== undefined) : [],
    annotations: stringMap(json['annotations']),
  };
}

/** Reads a blob of the artifact's repository; `undefined` when storage does not hold it. */
export type BlobReader = (digest: string) => Promise<Buffer | undefined>;

/** Content the artifact needs that storage does not hold. */
export class MissingContentError extends Error {}

/** Stored content that is not what its kind should be (JSON.parse throws SyntaxError likewise). */
export class CorruptContentError extends Error {}

/** The config blob as JSON (Harbor skips an empty config: the result is then `undefined`). */
export async function readConfig(manifest: ParsedManifest, read: BlobReader): Promise<Record<string, unknown> | undefined> {
  if (!manifest.config || manifest.config.size === 0) return undefined;
  const blob = await read(manifest.config.digest);
  if (blob === undefined) throw new MissingContentError(`config ${manifest.config.digest} is not in storage`);
  const json: unknown = JSON.parse(blob.toString('utf8'));
  return isObject(json) ? json : {};
}

/** An image config's author, else (as Harbor) the authors or maintainer label. */
function authorOf(config: Record<string, unknown>, labelKeys: readonly string[]): string {
  const author = typeof config['author'] === 'string' ? config['author'] : '';
  if (author !== '') return author;
  const inner = isObject(config['config']) ? config['config'] : {};
  const labels = stringMap(inner['Labels']);
  for (const key of labelKeys) if (labels[key]) return labels[key];
  return '';
}

function imageAttrs(config: Record<string, unknown> | undefined, labelKeys: readonly string[]): Record<string, unknown> {
  const c = config ?? {};
  return {
    created: typeof c['created'] === 'string' ? c['created'] : null,
    architecture: typeof c['architecture'] === 'string' ? c['architecture'] : '',
    os: typeof c['os'] === 'string' ? c['os'] : '',
    config: isObject(c['config']) ? c['config'] : {},
    author: authorOf(c, labelKeys),
  };
}

const ANNOTATION_PREFIX = 'io.goharbor.artifact.v1alpha1';
const ICON_MAX_BYTES = 1 << 20;

/** The picture formats an icon may have (Harbor's): by the first bytes, else undefined. */
export function iconContentType(data: Buffer): string | undefined {
  if (data.length >= 8 && data.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))) return 'image/png';
  if (data.length >= 6 && (data.subarray(0, 6).toString('latin1') === 'GIF87a' || data.subarray(0, 6).toString('latin1') === 'GIF89a')) return 'image/gif';
  if (data.length >= 3 && data[0] === 0xff && data[1] === 0xd8 && data[2] === 0xff) return 'image/jpeg';
  return undefined;
}

/** A chart's `icon` when it is a data URL of a picture: its bytes (the digest names the icon). */
export function dataUrlIcon(icon: unknown): Buffer | undefined {
  if (typeof icon !== 'string') return undefined;
  const match = /^data:image\/(png|gif|jpeg);base64,([A-Za-z0-9+/=\s]+)$/.exec(icon);
  if (!match) return undefined;
  const data = Buffer.from(match[2], 'base64');
  return data.length > 0 && data.length <= ICON_MAX_BYTES && iconContentType(data) !== undefined ? data : undefined;
}

export function sha256Digest(data: Buffer): string {
  return `sha256:${createHash('sha256').update(data).digest('hex')}`;
}

/** Harbor's default processor's type: from a config media type application/vnd.<x>.<type>.config.<v>+json. */
const TYPED_CONFIG = /^application\/vnd\.[^.]*\.(.*)\.config\.[^.]*\+json$/;

export interface AbstractedMetadata {
  extraAttrs: Record<string, unknown>;
  /** The digest of the artifact's own icon, if it has one. */
  icon: string | null;
}

/**
 * extra_attrs and icon of an artifact, as Harbor's processors abstract them at push time.
 * `configMediaType` is the config's media type (Harbor's artifact media type of a manifest).
 */
export async function abstractMetadata(kind: ProcessorKind, manifestBody: Buffer, configMediaType: string, read: BlobReader): Promise<AbstractedMetadata> {
  if (kind === 'index') return { extraAttrs: {}, icon: null };
  if (kind === 'cnab') return { extraAttrs: await cnabAttrs(manifestBody, read), icon: null };
  const manifest = parseManifest(manifestBody);
  switch (kind) {
    case 'image':
      return { extraAttrs: imageAttrs(await readConfig(manifest, read), ['org.opencontainers.image.authors', 'maintainer']), icon: null };
    case 'chart': {
      const extraAttrs = (await readConfig(manifest, read)) ?? {};
      const data = dataUrlIcon(extraAttrs['icon']);
      return { extraAttrs, icon: (await layerIcon(manifest, read)) ?? (data ? sha256Digest(data) : null) };
    }
    case 'wasm':
      return { extraAttrs: await wasmAttrs(manifest, read), icon: null };
    case 'default': {
      let extraAttrs: Record<string, unknown> = {};
      if (TYPED_CONFIG.test(configMediaType)) extraAttrs = (await readConfig(manifest, read)) ?? {};
      const skip = manifest.config?.annotations[`${ANNOTATION_PREFIX}.skip-list`];
      if (skip !== undefined) for (const key of skip.split(',')) delete extraAttrs[key];
      return { extraAttrs, icon: await layerIcon(manifest, read) };
    }
  }
}

/** A CNAB bundle's: the whole config of the manifest the index marks as the bundle's config. */
async function cnabAttrs(indexBody: Buffer, read: BlobReader): Promise<Record<string, unknown>> {
  const index: unknown = JSON.parse(indexBody.toString('utf8'));
  const manifests = isObject(index) && Array.isArray(index['manifests']) ? index['manifests'] : [];
  const config = manifests.map(descriptor).find((m) => m?.annotations['io.cnab.manifest.type'] === 'config');
  if (!config) return {};
  const body = await read(config.digest);
  if (body === undefined) throw new MissingContentError(`manifest ${config.digest} is not in storage`);
  return (await readConfig(parseManifest(body), read)) ?? {};
}

async function wasmAttrs(manifest: ParsedManifest, read: BlobReader): Promise<Record<string, unknown>> {
  const a = manifest.annotations;
  if (a['module.wasm.image/variant'] === 'compat' || a['run.oci.handler'] === 'wasm') {
    return { 'manifest.config.mediaType': manifest.config?.mediaType ?? '', ...imageAttrs(await readConfig(manifest, read), ['maintainer']) };
  }
  const attrs: Record<string, unknown> = { 'manifest.config.mediaType': WASM_CONFIG_MEDIA_TYPE };
  if (manifest.layers.length > 0) {
    attrs['manifest.layers.mediaType'] = manifest.layers[0].mediaType ?? '';
    attrs['org.opencontainers.image.title'] = manifest.layers[0].annotations['org.opencontainers.image.title'] ?? '';
  }
  return attrs;
}

/** The layer annotated as the artifact's icon, when it is a picture of at most 1 MiB (as Harbor checks). */
async function layerIcon(manifest: ParsedManifest, read: BlobReader): Promise<string | null> {
  const layer = manifest.layers.find((l) => `${ANNOTATION_PREFIX}.icon` in l.annotations);
  if (!layer || layer.size > ICON_MAX_BYTES) return null;
  const data = await read(layer.digest);
  return data !== undefined && data.length <= ICON_MAX_BYTES && iconContentType(data) !== undefined ? layer.digest : null;
}

/** One step of an image's build history, with the fields (and omissions) of Harbor's answer. */
export function buildHistory(config: Record<string, unknown> | undefined): unknown[] | null {
  const history = config?.['history'];
  if (!Array.isArray(history)) return null;
  return history.map((step: unknown) => {
    const s = isObject(step) ? step : {};
    const out: Record<string, unknown> = {};
    if (typeof s['created'] === 'string' && s['created'] !== '') out['created'] = s['created'];
    for (const key of ['created_by', 'author', 'comment']) if (typeof s[key] === 'string' && s[key] !== '') out[key] = s[key];
    if (s['empty_layer'] === true) out['empty_layer'] = true;
    return out;
  });
}
