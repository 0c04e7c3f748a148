import { passwordProblem } from '@wharf/auth';
import { parseHarborConfig } from '@wharf/config';
import { benchPassword, installedHarborYml } from './installed';

describe('the installation the bench measures', () => {
  const values = {
    httpPort: 18080,
    corePort: 18081,
    registryPort: 18082,
    adminPassword: benchPassword(),
    dataVolume: '/tmp/bench/installed/data',
    logDir: '/tmp/bench/installed/log',
    pgBase: 'postgres://postgres@127.0.0.1:5432',
    database: 'wharf_bench_0123456789ab',
  };

  it("is a harbor.yml the installer accepts, with the template's defaults but ports, paths and the shared PostgreSQL", () => {
    const config = parseHarborConfig(installedHarborYml(values), '/');
    expect(config).toMatchObject({
      hostname: '127.0.0.1',
      http: { port: 18080 },
      harbor_admin_password: values.adminPassword,
      data_volume: values.dataVolume,
      log: { level: 'info', local: { location: values.logDir } },
      external_database: { harbor: { host: '127.0.0.1', port: 5432, db_name: values.database, username: 'postgres', ssl_mode: 'disable' } },
      wharf: { core_port: 18081, registry_port: 18082 },
    });
    expect(config.external_redis).toBeUndefined();
    expect(config.https).toBeUndefined();
    expect(config.wharf?.registry_workers).toBeUndefined();
  });

  it("takes the --pg server's user and password, and the direct Wharf's worker count when given", () => {
    const config = parseHarborConfig(installedHarborYml({ ...values, pgBase: 'postgres://bench:s%40cret@db.example.com:6543', registryWorkers: 3 }), '/');
    expect(config.external_database?.harbor).toMatchObject({ host: 'db.example.com', port: 6543, username: 'bench', password: 's@cret' });
    expect(config.wharf?.registry_workers).toBe(3);
  });

  it("makes passwords Harbor's policy accepts", () => {
    for (let i = 0; i < 20; i++) expect(passwordProblem(benchPassword())).toBeUndefined();
    expect(benchPassword()).not.toBe(benchPassword());
  });
});
