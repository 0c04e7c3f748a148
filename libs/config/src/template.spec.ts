import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { TEMPLATE_FILE } from './harbor-config';
import { HARBOR_KEYS, type KeySpec } from './known-keys';
import { inspectHarborConfig } from './load-harbor-config';
import { createTlsFixtures, type TlsFixtures } from './testing/tls-fixtures';

const template = readFileSync(join(__dirname, '..', '..', '..', TEMPLATE_FILE), 'utf8');

/**
 * The template with its optional sections switched on: commented lines that hold YAML keys or
 * list items lose their "# ", explanations (prose, or "#   # ..." inside a block) stay comments.
 */
function uncommented(text: string): string {
  return text
    .split('\n')
    .map((line) => {
      const m = /^# ( *(?:[a-z_]+:(?: .*)?|- .*))$/.exec(line);
      return m ? m[1] : line;
    })
    .join('\n');
}

/** Dotted paths of every key Wharf reads (not Harbor's ignored ones). */
function usedKeys(spec: KeySpec, prefix = ''): string[] {
  if (spec.kind !== 'section') return spec.kind === 'value' ? [prefix] : [];
  return Object.entries(spec.keys).flatMap(([name, child]) => usedKeys(child, prefix ? `${prefix}.${name}` : name));
}

describe(TEMPLATE_FILE, () => {
  let tls: TlsFixtures;
  beforeAll(() => {
    tls = createTlsFixtures();
  });
  afterAll(() => tls.remove());

  it('validates as shipped, noting only the example hostname', () => {
    const report = inspectHarborConfig(template, '/');
    expect(report.problems).toEqual([]);
    expect(report.notes).toEqual([expect.objectContaining({ key: 'hostname', reason: expect.stringMatching(/example/) })]);
    expect(report.config).toMatchObject({ hostname: 'reg.mydomain.com', http: { port: 80 }, data_volume: '/data', proxy: { components: ['core', 'jobservice'] } });
    expect(report.config?.https).toBeUndefined();
  });

  it('ships the defaults it documents', () => {
    const shipped = inspectHarborConfig(template, '/').config;
    const bare = inspectHarborConfig('hostname: reg.mydomain.com\nharbor_admin_password: Harbor12345\n', '/').config;
    expect(shipped).toEqual({ ...bare, proxy: shipped?.proxy });
  });

  it('validates with every optional section uncommented', () => {
    const text = uncommented(template).replace('/your/certificate/path', tls.certificate).replace('/your/private/key/path', tls.privateKey);
    expect(text).not.toMatch(/^# (?:https|external_url|storage_service|external_database|external_redis|metric|wharf):/m);
    const report = inspectHarborConfig(text, '/');
    expect(report.problems).toEqual([]);
    expect(report.config).toMatchObject({
      https: { port: 443, certificate: tls.certificate, private_key: tls.privateKey },
      external_url: 'https://reg.mydomain.com:8443',
      storage_service: { filesystem: { rootdirectory: '/data/registry' } },
      external_database: { harbor: { host: 'postgres.example.com', port: 5432, ssl_mode: 'disable' } },
      external_redis: { host: 'redis.example.com:6379', registry_db_index: 1, jobservice_db_index: 2, core_db_index: 0 },
      metric: { enabled: false, port: 9090, path: '/metrics' },
      wharf: { core_port: 8080, registry_port: 5000, registry_workers: 4, storage_reserve_mb: 512 },
    });
  });

  it('documents every key Wharf reads, each with a comment above it', () => {
    const lines = uncommented(template).split('\n');
    for (const path of usedKeys(HARBOR_KEYS)) {
      // Follow the path down the indentation: `log.local.location` is `location:` inside `local:` inside `log:`.
      let at = -1;
      path.split('.').forEach((name, depth) => {
        const line = new RegExp(`^${' '.repeat(2 * depth)}${name}:`);
        at = lines.findIndex((l, i) => i > at && line.test(l));
      });
      expect({ path, documented: at > 0 && /^ *#/.test(lines[at - 1]) }).toEqual({ path, documented: true });
    }
  });
});
