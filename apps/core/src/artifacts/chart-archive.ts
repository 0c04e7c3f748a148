import { gunzipSync } from 'node:zlib';
import { parse as parseYaml } from 'yaml';
import { CorruptContentError } from './artifact-processor';

/** A packaged chart is a few hundred KiB at most; more than this is not a chart we unpack in memory. */
const MAX_UNPACKED = 64 << 20;

/**
 * The regular files of a tar archive, by path. Understands ustar (with its name prefix), GNU long
 * names and pax `path` records, which is what `helm package` and other tar writers produce.
 */
export function untar(archive: Buffer): Map<string, Buffer> {
  const files = new Map<string, Buffer>();
  let offset = 0;
  let longName: string | undefined;
  while (offset + 512 <= archive.length) {
    const header = archive.subarray(offset, offset + 512);
    if (header.every((b) => b === 0)) break;
    const field = (start: number, length: number) => {
      const raw = header.subarray(start, start + length);
      const end = raw.indexOf(0);
      return raw.subarray(0, end === -1 ? length : end).toString('utf8');
    };
    const size = parseInt(field(124, 12).trim() || '0', 8);
    if (!Number.isFinite(size) || size < 0) throw new Error('corrupt tar header');
    const type = field(156, 1) || '0';
    const prefix = field(257, 6).startsWith('ustar') ? field(345, 155) : '';
    const body = archive.subarray(offset + 512, offset + 512 + size);
    if (body.length < size) throw new Error('truncated tar archive');
    offset += 512 + Math.ceil(size / 512) * 512;
    if (type === 'L') {
      longName = body.toString('utf8').replace(/\0+$/, '');
      continue;
    }
    if (type === 'x') {
      const path = /(?:^|\n)\d+ path=([^\n]*)\n/.exec(body.toString('utf8'));
      if (path) longName = path[1];
      continue;
    }
    const name = longName ?? (prefix ? `${prefix}/${field(0, 100)}` : field(0, 100));
    longName = undefined;
    if (type === '0' || type === '\0' || type === '7') files.set(name, Buffer.from(body));
  }
  return files;
}

/** Helm's chart dependency, with the fields (and omissions) of Harbor's `dependencies` answer. */
export interface ChartDependency {
  name: string;
  version?: string;
  repository: string;
  condition?: string;
  tags?: string[];
  enabled?: boolean;
  'import-values'?: unknown[];
  alias?: string;
}

export interface ChartDetails {
  dependencies: ChartDependency[];
  /** Top-level files by upper-cased name, as Harbor keys them: VALUES.YAML, README.MD. */
  files: Record<string, string>;
}

function dependency(value: unknown): ChartDependency | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const d = value as Record<string, unknown>;
  const text = (key: string) => (typeof d[key] === 'string' && d[key] !== '' ? (d[key] as string) : undefined);
  // Helm's field order; empty optional fields are left out as Helm's JSON leaves them out.
  const out: ChartDependency = { name: text('name') ?? '', repository: '' };
  const version = text('version');
  if (version) out.version = version;
  out.repository = text('repository') ?? '';
  const condition = text('condition');
  if (condition) out.condition = condition;
  if (Array.isArray(d['tags']) && d['tags'].length > 0) out.tags = d['tags'].map(String);
  if (d['enabled'] === true) out.enabled = true;
  if (Array.isArray(d['import-values']) && d['import-values'].length > 0) out['import-values'] = d['import-values'];
  const alias = text('alias');
  if (alias) out.alias = alias;
  return out;
}

function dependenciesIn(yamlText: string | undefined): ChartDependency[] {
  if (yamlText === undefined) return [];
  const doc: unknown = parseYaml(yamlText);
  const list = typeof doc === 'object' && doc !== null ? (doc as Record<string, unknown>)['dependencies'] : undefined;
  return Array.isArray(list) ? list.map(dependency).filter((d) => d !== undefined) : [];
}

/**
 * What Harbor reads from a chart's .tgz layer: README.md and values.yaml at the chart's top, and
 * the dependencies (Chart.yaml's for apiVersion v2, requirements.yaml's for v1).
 */
export function chartDetails(tgz: Buffer): ChartDetails {
  try {
    return readChart(tgz);
  } catch (err) {
    throw new CorruptContentError(`not a packaged chart: ${(err as Error).message}`);
  }
}

function readChart(tgz: Buffer): ChartDetails {
  const files = untar(gunzipSync(tgz, { maxOutputLength: MAX_UNPACKED }));
  // Paths inside the archive start with the chart's directory; Helm drops it.
  const top = new Map<string, string>();
  for (const [path, data] of files) {
    const slash = path.indexOf('/');
    const inner = slash === -1 ? path : path.slice(slash + 1);
    if (inner !== '' && !inner.includes('/')) top.set(inner, data.toString('utf8'));
  }
  const chartYaml = top.get('Chart.yaml');
  if (chartYaml === undefined) throw new Error('the archive holds no Chart.yaml');
  const meta: unknown = parseYaml(chartYaml);
  const apiVersion = typeof meta === 'object' && meta !== null ? (meta as Record<string, unknown>)['apiVersion'] : undefined;
  const result: ChartDetails = { dependencies: [], files: {} };
  for (const [name, text] of top) {
    const upper = name.toUpperCase();
    if (upper === 'README.MD' || upper === 'VALUES.YAML') result.files[upper] = text;
    if (upper === 'REQUIREMENTS.YAML' && apiVersion === 'v1') result.dependencies = dependenciesIn(text);
  }
  if (apiVersion === 'v2') result.dependencies = dependenciesIn(chartYaml);
  return result;
}
