import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { HarborConfigError, type ConfigProblem } from './config-problem';
import { HARBOR_DEFAULTS } from './harbor-config';
import { inspectHarborConfig, loadHarborConfig, loadHarborConfigWithNotes, parseHarborConfig } from './load-harbor-config';

const MINIMAL = 'hostname: reg.example.com\nharbor_admin_password: Harbor12345\n';

function problems(yaml: string, baseDir = '/etc/wharf'): ConfigProblem[] {
  return inspectHarborConfig(yaml, baseDir).problems;
}

/** The single problem `yaml` has; fails when it has none or several. */
function onlyProblem(yaml: string): ConfigProblem {
  const found = problems(yaml);
  expect(found).toHaveLength(1);
  return found[0];
}

describe('parseHarborConfig defaults', () => {
  it('fills every optional key with Harbor’s default', () => {
    expect(parseHarborConfig(MINIMAL, '/etc/wharf')).toEqual({
      hostname: 'reg.example.com',
      http: { port: 80 },
      harbor_admin_password: 'Harbor12345',
      database: { max_idle_conns: 100, max_open_conns: 900 },
      data_volume: '/data',
      storage_service: { filesystem: {} },
      jobservice: { max_job_workers: 10 },
      notification: { webhook_job_max_retry: 3, webhook_job_http_client_timeout: 3 },
      log: { level: 'info', local: { rotate_count: 50, rotate_size: '200M', rotate_size_bytes: 200 * 1024 * 1024, location: '/var/log/harbor' } },
      wharf: { core_port: 8080, registry_port: 5000 },
    });
  });

  it('treats sections whose keys are all commented out as absent', () => {
    const config = parseHarborConfig(`${MINIMAL}https:\nmetric:\nexternal_redis:\nlog:\n  local:\nproxy:\n  http_proxy:\n`, '/');
    expect(config.https).toBeUndefined();
    expect(config.metric).toBeUndefined();
    expect(config.external_redis).toBeUndefined();
    expect(config.log.local.location).toBe(HARBOR_DEFAULTS.logLocation);
    expect(config.proxy).toEqual({ components: [] });
  });

  it('fills the defaults inside optional sections that are present', () => {
    const config = parseHarborConfig(
      `${MINIMAL}metric:\n  enabled: true\nexternal_redis:\n  host: redis.example.com:6379\n` +
        'external_database:\n  harbor:\n    host: db.example.com\n    port: 5432\n    db_name: registry\n    username: wharf\n    password: "0123"\n',
      '/',
    );
    expect(config.metric).toEqual({ enabled: true, port: 9090, path: '/metrics' });
    expect(config.external_redis).toEqual({ host: 'redis.example.com:6379', registry_db_index: 1, jobservice_db_index: 2, core_db_index: 0 });
    expect(config.external_database?.harbor).toEqual({
      host: 'db.example.com', port: 5432, db_name: 'registry', username: 'wharf', password: '0123',
      ssl_mode: 'disable', max_idle_conns: 2, max_open_conns: 0,
    });
  });

  it('keeps what the file sets', () => {
    const config = parseHarborConfig(
      `hostname: 10.1.2.3
http:
  port: 8081
external_url: https://registry.example.com:8443/
harbor_admin_password: An0ther-password
data_volume: /srv/wharf/
storage_service:
  filesystem:
    rootdirectory: /srv/blobs
jobservice:
  max_job_workers: 3
notification:
  webhook_job_max_retry: 0
  webhook_job_http_client_timeout: 30
log:
  level: warning
  local:
    rotate_count: 0
    rotate_size: 1g
    location: /var/log/wharf
proxy:
  http_proxy: http://proxy.example.com:3128
  no_proxy: .internal,10.0.0.0/8
  components: [core, jobservice, core]
wharf:
  registry_workers: 2
  core_port: 18080
  registry_port: 15000
  manifest_urls:
    allow:
      - '^https://([^/]+\\.)?example\\.com/'
    deny: []
`,
      '/',
    );
    expect(config).toMatchObject({
      hostname: '10.1.2.3',
      http: { port: 8081 },
      external_url: 'https://registry.example.com:8443',
      harbor_admin_password: 'An0ther-password',
      data_volume: '/srv/wharf',
      storage_service: { filesystem: { rootdirectory: '/srv/blobs' } },
      jobservice: { max_job_workers: 3 },
      notification: { webhook_job_max_retry: 0, webhook_job_http_client_timeout: 30 },
      log: { level: 'warning', local: { rotate_count: 0, rotate_size: '1G', rotate_size_bytes: 1024 ** 3, location: '/var/log/wharf' } },
      proxy: { http_proxy: 'http://proxy.example.com:3128', no_proxy: '.internal,10.0.0.0/8', components: ['core', 'jobservice'] },
      wharf: { registry_workers: 2, core_port: 18080, registry_port: 15000, manifest_urls: { allow: ['^https://([^/]+\\.)?example\\.com/'] } },
    });
  });
});

describe('refusing a bad harbor.yml', () => {
  it.each([
    ['a missing hostname', 'harbor_admin_password: Harbor12345\n', 'hostname', /missing/],
    ['an empty hostname', 'hostname: ""\nharbor_admin_password: Harbor12345\n', 'hostname', /must not be empty/],
    ['a hostname with a scheme', 'hostname: https://reg.example.com\nharbor_admin_password: Harbor12345\n', 'hostname', /without a scheme/],
    ['a hostname with a port', 'hostname: reg.example.com:443\nharbor_admin_password: Harbor12345\n', 'hostname', /port/],
    ['a hostname with an underscore', 'hostname: reg_1.example.com\nharbor_admin_password: Harbor12345\n', 'hostname', /"_" is not allowed/],
    ['a broken IPv4 address', 'hostname: 10.0.0.256\nharbor_admin_password: Harbor12345\n', 'hostname', /not a valid IP address/],
    ['a number for hostname', 'hostname: 1234\nharbor_admin_password: Harbor12345\n', 'hostname', /expected a string, got the number 1234/],
    ['a missing admin password', 'hostname: reg.example.com\n', 'harbor_admin_password', /missing/],
    ['a weak admin password', 'hostname: reg.example.com\nharbor_admin_password: harbor12345\n', 'harbor_admin_password', /upper-case/],
    ['a short admin password', 'hostname: reg.example.com\nharbor_admin_password: Ab1\n', 'harbor_admin_password', /8 to 128/],
  ])('%s', (_label, yaml, key, reason) => {
    const p = onlyProblem(yaml);
    expect(p.key).toBe(key);
    expect(p.reason).toMatch(reason);
  });

  it.each([
    ['http.port: 0', 'http:\n  port: 0\n', 'http.port', /between 1 and 65535, got 0/],
    ['http.port: 70000', 'http:\n  port: 70000\n', 'http.port', /between 1 and 65535/],
    ['a quoted port', 'http:\n  port: "80"\n', 'http.port', /expected a whole number, got the string "80"/],
    ['a fractional port', 'http:\n  port: 80.5\n', 'http.port', /whole number/],
    ['http as a number', 'http: 80\n', 'http', /expected a section of keys, got the number 80/],
    ['http.port equal to core’s default port', 'http:\n  port: 8080\n', 'http.port', /8080 is also used by wharf\.core_port \(by default\)/],
    ['two equal explicit ports', 'wharf:\n  core_port: 9000\n  registry_port: 9000\n', 'wharf.registry_port', /also used by wharf\.core_port;/],
    ['metric.port equal to http.port', 'metric:\n  enabled: true\n  port: 80\n', 'metric.port', /also used by http\.port \(by default\)/],
    ['a relative data_volume', 'data_volume: data\n', 'data_volume', /absolute path/],
    ['data_volume at the root', 'data_volume: /\n', 'data_volume', /root directory/],
    ['a relative log location', 'log:\n  local:\n    location: logs/harbor\n', 'log.local.location', /absolute path/],
    ['a relative rootdirectory', 'storage_service:\n  filesystem:\n    rootdirectory: blobs\n', 'storage_service.filesystem.rootdirectory', /absolute path/],
    ['rotate_size with a two-letter unit', 'log:\n  local:\n    rotate_size: 200MB\n', 'log.local.rotate_size', /like 200M/],
    ['rotate_size in words', 'log:\n  local:\n    rotate_size: big\n', 'log.local.rotate_size', /like 200M, 1G, 512K/],
    ['rotate_size zero', 'log:\n  local:\n    rotate_size: 0\n', 'log.local.rotate_size', /more than 0/],
    ['a negative rotate_count', 'log:\n  local:\n    rotate_count: -1\n', 'log.local.rotate_count', /between 0 and/],
    ['an unknown log level', 'log:\n  level: warn\n', 'log.level', /one of debug, info, warning, error, fatal.*did you mean "warning"/],
    ['a syslog endpoint', 'log:\n  external_endpoint:\n    protocol: tcp\n    host: syslog\n    port: 514\n', 'log.external_endpoint', /syslog endpoint is not supported yet/],
    ['s3 storage', 'storage_service:\n  s3:\n    bucket: images\n', 'storage_service.s3', /s3 storage driver is not supported yet/],
    ['azure storage', 'storage_service:\n  azure:\n    accountname: x\n', 'storage_service.azure', /not supported yet/],
    ['an external_redis host without a port', 'external_redis:\n  host: redis.example.com\n', 'external_redis.host', /must be host:port/],
    ['an external_redis host with a bad port', 'external_redis:\n  host: redis:99999\n', 'external_redis.host', /port must be between 1 and 65535/],
    ['Redis Sentinel hosts', 'external_redis:\n  host: a:26379,b:26379\n', 'external_redis.host', /Sentinel/],
    ['a Sentinel master set', 'external_redis:\n  host: a:26379\n  sentinel_master_set: mymaster\n', 'external_redis.sentinel_master_set', /Sentinel is not supported yet/],
    ['TLS to Redis', 'external_redis:\n  host: a:6379\n  tlsOptions:\n    enable: true\n', 'external_redis.tlsOptions.enable', /TLS connections to Redis are not supported yet/],
    ['a missing external_redis host', 'external_redis:\n  password: x\n', 'external_redis.host', /missing/],
    ['external_url without a scheme', 'external_url: registry.example.com\n', 'external_url', /not a URL/],
    ['external_url with ftp', 'external_url: ftp://registry.example.com\n', 'external_url', /http:\/\/ or https:\/\//],
    ['external_url with a path', 'external_url: https://example.com/registry\n', 'external_url', /must not have a path/],
    ['a proxy that is not a URL', 'proxy:\n  http_proxy: proxy.example.com:3128\n', 'proxy.http_proxy', /http:\/\/ or https:\/\/ URL/],
    ['an unknown proxy component', 'proxy:\n  components: [core, registyr]\n', 'proxy.components[1]', /unknown component "registyr"/],
    ['max_job_workers of 0', 'jobservice:\n  max_job_workers: 0\n', 'jobservice.max_job_workers', /between 1 and 100\b/],
    ['more job workers than the jobservice runs', 'jobservice:\n  max_job_workers: 101\n', 'jobservice.max_job_workers', /between 1 and 100\b/],
    ['a negative webhook retry count', 'notification:\n  webhook_job_max_retry: -1\n', 'notification.webhook_job_max_retry', /between 0 and 1000/],
    ['a webhook timeout of 0', 'notification:\n  webhook_job_http_client_timeout: 0\n', 'notification.webhook_job_http_client_timeout', /between 1 and 3600/],
    ['a webhook timeout with a unit', 'notification:\n  webhook_job_http_client_timeout: 3s\n', 'notification.webhook_job_http_client_timeout', /whole number/],
    ['a boolean spelt yes', 'metric:\n  enabled: yes\n', 'metric.enabled', /expected true or false, got the string "yes"/],
    ['internal TLS', 'internal_tls:\n  enabled: true\n  dir: /etc/harbor/tls/internal\n', 'internal_tls.enabled', /not supported yet/],
    ['tracing', 'trace:\n  enabled: true\n', 'trace.enabled', /not supported yet/],
    ['too many registry workers', 'wharf:\n  registry_workers: 65\n', 'wharf.registry_workers', /between 1 and 64/],
    ['a negative storage reserve', 'wharf:\n  storage_reserve_mb: -1\n', 'wharf.storage_reserve_mb', /between 0 and/],
    ['a manifest URL pattern that does not compile', "wharf:\n  manifest_urls:\n    deny: ['^https://ok/', '(unclosed']\n", 'wharf.manifest_urls.deny[1]', /^is not a regular expression: /],
    ['manifest URL patterns not in a list', 'wharf:\n  manifest_urls:\n    allow: ^https://\n', 'wharf.manifest_urls.allow', /expected a list/],
  ])('%s', (_label, extra, key, reason) => {
    const p = onlyProblem(MINIMAL + extra);
    expect(p.key).toBe(key);
    expect(p.reason).toMatch(reason);
  });

  it('names every missing field of external_database.harbor', () => {
    const found = problems(`${MINIMAL}external_database:\n  harbor:\n    host: db.example.com\n    port: harbor_db_port\n`);
    expect(found.map((p) => p.key)).toEqual([
      'external_database.harbor.db_name',
      'external_database.harbor.username',
      'external_database.harbor.password',
      'external_database.harbor.port',
    ]);
    expect(found.find((p) => p.key.endsWith('.port'))?.reason).toMatch(/whole number, got the string "harbor_db_port"/);
    expect(found.find((p) => p.key.endsWith('.username'))?.reason).toMatch(/missing/);
  });

  it('asks for the connection settings of an external_database without harbor', () => {
    expect(problems(`${MINIMAL}external_database:\n  notary: {}\n`)).toEqual([
      expect.objectContaining({ key: 'external_database.harbor', reason: expect.stringMatching(/missing: the connection settings/) }),
      expect.objectContaining({ key: 'external_database.notary', reason: expect.stringMatching(/unknown key; the keys known under external_database are harbor/) }),
    ]);
  });

  it('asks for quotes around a password YAML reads as a number, without repeating it', () => {
    const p = onlyProblem(`${MINIMAL}database:\n  password: 123456\n`);
    expect(p).toMatchObject({ key: 'database.password', reason: expect.stringMatching(/expected a string, got a number \(put the value in quotes\)/) });
    expect(p.reason).not.toContain('123456');
  });

  it('keeps database.password as written, any characters but control ones, without repeating it', () => {
    expect(parseHarborConfig(`${MINIMAL}database:\n  password: "it's a \\\\ pa$$ word"\n`, '/').database.password).toBe("it's a \\ pa$$ word");
    const p = onlyProblem(`${MINIMAL}database:\n  password: "sEcr3t\\nvalue"\n`);
    expect(p).toMatchObject({ key: 'database.password', reason: expect.stringMatching(/control characters/) });
    expect(p.reason).not.toContain('sEcr3t');
  });

  it('never repeats the admin password', () => {
    const p = onlyProblem('hostname: reg.example.com\nharbor_admin_password: weakpassword\n');
    expect(p.reason).not.toContain('weakpassword');
  });

  it('collects every problem at once, in file order, with lines and columns', () => {
    const yaml = ['hostname: reg_1.example.com', 'http:', '  port: 0', 'hostnme: x', 'harbor_admin_password: weak', 'data_volume: data', 'log:', '  level: loud', ''].join('\n');
    expect(problems(yaml)).toEqual([
      { key: 'hostname', reason: expect.stringMatching(/"_" is not allowed/), line: 1, column: 11 },
      { key: 'http.port', reason: expect.stringMatching(/between 1 and 65535/), line: 3, column: 9 },
      { key: 'hostnme', reason: 'unknown key; did you mean "hostname"?', line: 4, column: 1 },
      { key: 'harbor_admin_password', reason: expect.stringMatching(/8 to 128/), line: 5, column: 24 },
      { key: 'data_volume', reason: expect.stringMatching(/absolute/), line: 6, column: 14 },
      { key: 'log.level', reason: expect.stringMatching(/one of/), line: 8, column: 10 },
    ]);
  });

  it('throws HarborConfigError listing the problems one per line', () => {
    let error: unknown;
    try {
      parseHarborConfig('hostname: -bad-\nharbor_admin_password: short\n', '/');
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(HarborConfigError);
    const { problems: found, message } = error as HarborConfigError;
    expect(found.map((p) => p.key)).toEqual(['hostname', 'harbor_admin_password']);
    expect(message.split('\n')).toEqual([
      'harbor.yml has 2 problems:',
      expect.stringMatching(/^ {2}hostname: is not a DNS name: .* \(line 1:11\)$/),
      expect.stringMatching(/^ {2}harbor_admin_password: the password must be 8 to 128 characters long \(line 2:24\)$/),
    ]);
  });
});

describe('unknown keys', () => {
  it.each([
    ['a typo at the top level', 'hostnam: x\n', 'hostnam', 'unknown key; did you mean "hostname"?'],
    ['a typo in a section', 'https:\n  certficate: /x\n', 'https.certficate', 'unknown key; did you mean "certificate"?'],
    ['dashes for underscores', 'https:\n  private-key: /x\n', 'https.private-key', 'unknown key; did you mean "private_key"?'],
    ['a missing word', 'jobservice:\n  max_workers: 4\n', 'jobservice.max_workers', 'unknown key; did you mean "max_job_workers"?'],
    ['a key at the wrong level', 'log:\n  rotate_size: 1G\n', 'log.rotate_size', 'unknown key here; did you mean "log.local.rotate_size"?'],
    ['a key from nowhere', 'wharf:\n  colour: blue\n', 'wharf.colour', 'unknown key; the keys known under wharf are registry_workers, core_port, registry_port, storage_reserve_mb, manifest_urls'],
  ])('%s', (_label, extra, key, reason) => {
    const found = problems(MINIMAL + extra);
    expect(found).toContainEqual(expect.objectContaining({ key, reason }));
    expect(found.filter((p) => p.key === key)).toHaveLength(1);
  });

  it('finds unknown keys at any depth, beside valid ones', () => {
    const found = problems(`${MINIMAL}log:\n  local:\n    rotate_cuont: 3\n    location: /var/log/x\nexternal_database:\n  harbor:\n    hots: db\n`);
    expect(found.map((p) => p.key)).toEqual(expect.arrayContaining(['log.local.rotate_cuont', 'external_database.harbor.hots']));
    expect(found.find((p) => p.key === 'log.local.rotate_cuont')?.reason).toMatch(/"rotate_count"/);
    expect(found.find((p) => p.key === 'external_database.harbor.hots')?.reason).toMatch(/"host"/);
  });
});

describe('Harbor’s own keys', () => {
  const HARBOR_ONLY = `${MINIMAL}_version: 2.11.0
https:
database:
  password: root123
  conn_max_lifetime: 5m
  conn_max_idle_time: 0
trivy:
  ignore_unfixed: false
  skip_update: false
jobservice:
  max_job_workers: 10
  job_loggers: [STD_OUTPUT, FILE]
  logger_sweeper_duration: 1
notification:
  webhook_job_max_retry: 3
  webhook_job_http_client_timeout: 3
upload_purging:
  enabled: true
  age: 168h
cache:
  enabled: false
  expire_hours: 24
proxy:
  http_proxy:
  https_proxy:
  no_proxy:
  components: [core, jobservice, trivy]
`;

  it('accepts a copied Harbor harbor.yml and notes what it ignores', () => {
    const report = inspectHarborConfig(HARBOR_ONLY, '/');
    expect(report.problems).toEqual([]);
    expect(report.config?.proxy?.components).toEqual(['core', 'jobservice', 'trivy']);
    expect(report.notes.map((n) => n.key)).toEqual([
      'database.conn_max_lifetime',
      'database.conn_max_idle_time',
      'trivy',
      'jobservice.job_loggers',
      'jobservice.logger_sweeper_duration',
      'upload_purging',
      'cache',
    ]);
    expect(report.notes.every((n) => n.reason.startsWith('ignored: '))).toBe(true);
  });

  it('notes the template’s example hostname and loopback names', () => {
    expect(inspectHarborConfig('hostname: reg.mydomain.com\nharbor_admin_password: Harbor12345\n', '/').notes).toEqual([
      expect.objectContaining({ key: 'hostname', reason: expect.stringMatching(/example/) }),
    ]);
    expect(inspectHarborConfig('hostname: 127.0.0.1\nharbor_admin_password: Harbor12345\n', '/').notes).toEqual([
      expect.objectContaining({ key: 'hostname', reason: expect.stringMatching(/only clients on this machine/) }),
    ]);
  });
});

describe('YAML syntax', () => {
  it('reports syntax errors with line and column', () => {
    const found = problems('hostname: reg.example.com\nhttp:\n  port: [80\nharbor_admin_password: Harbor12345\n');
    expect(found.length).toBeGreaterThan(0);
    expect(found[0]).toMatchObject({ key: '(yaml)', line: expect.any(Number), column: expect.any(Number) });
    expect(found.every((p) => p.key === '(yaml)')).toBe(true);
  });

  it('refuses a key written twice, pointing at the second', () => {
    const found = problems(`${MINIMAL}http:\n  port: 80\n  port: 81\n`);
    expect(found).toEqual([expect.objectContaining({ key: '(yaml)', reason: expect.stringMatching(/unique/), line: 5, column: 3 })]);
  });

  it('refuses a file that is not a mapping of keys', () => {
    expect(problems('- hostname: x\n')).toEqual([expect.objectContaining({ key: '(file)' })]);
  });

  it('treats an empty file as one with every required key missing', () => {
    expect(problems('# nothing yet\n').map((p) => p.key)).toEqual(['hostname', 'harbor_admin_password']);
  });

  it('refuses alias bombs instead of expanding them', () => {
    const lines = ['a: &a [x, x, x, x, x, x, x, x, x, x]'];
    for (let i = 1; i < 8; i++) lines.push(`${String.fromCharCode(97 + i)}: &${String.fromCharCode(97 + i)} [${Array(10).fill(`*${String.fromCharCode(96 + i)}`).join(', ')}]`);
    const found = problems(`${MINIMAL}${lines.join('\n')}\n`);
    expect(found).toEqual([expect.objectContaining({ key: '(yaml)', reason: expect.stringMatching(/alias/i) })]);
  });
});

describe('loadHarborConfig', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'wharf-config-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('reads and validates a file', () => {
    const file = join(dir, 'harbor.yml');
    writeFileSync(file, `${MINIMAL}trivy:\n  skip_update: true\n`);
    expect(loadHarborConfig(file).hostname).toBe('reg.example.com');
    expect(loadHarborConfigWithNotes(file).notes).toEqual([expect.objectContaining({ key: 'trivy', line: 3, column: 1 })]);
  });

  it('says how to create a missing file', () => {
    const file = join(dir, 'harbor.yml');
    expect(() => loadHarborConfig(file)).toThrow(HarborConfigError);
    expect(() => loadHarborConfig(file)).toThrow(/harbor\.yml does not exist; copy harbor\.yml\.tmpl to it/);
  });

  it('names the file in the error', () => {
    const file = join(dir, 'harbor.yml');
    writeFileSync(file, 'hostname: reg.example.com\n');
    expect(() => loadHarborConfig(file)).toThrow(new RegExp(`^${file} has 1 problem:\\n  harbor_admin_password: missing`));
  });

  it('refuses a directory', () => {
    expect(() => loadHarborConfig(dir)).toThrow(/is a directory/);
  });
});
