import type { Checker } from './checker';
import { HARBOR_DEFAULTS, SSL_MODES, type HarborConfig } from './harbor-config';
import { hostProblem } from './host-name';

const CONNECTIONS = { min: 0, max: 100_000 };

/** The bundled PostgreSQL's settings; Harbor keeps them even when external_database is used. */
export function checkDatabase(c: Checker): HarborConfig['database'] {
  c.section(['database']);
  const password = c.string(['database', 'password'], { secret: true });
  if (password === undefined && typeof c.value(['database', 'password']) === 'string') c.problem(['database', 'password'], 'must not be empty');
  // PostgreSQL cannot store a NUL, and the others only hide mistakes (a pasted line break).
  // eslint-disable-next-line no-control-regex
  if (password !== undefined && /[\x00-\x1f\x7f]/.test(password)) c.problem(['database', 'password'], 'must not contain control characters or line breaks');
  return {
    ...(password !== undefined ? { password } : {}),
    max_idle_conns: c.integer(['database', 'max_idle_conns'], CONNECTIONS) ?? HARBOR_DEFAULTS.databaseMaxIdleConns,
    max_open_conns: c.integer(['database', 'max_open_conns'], CONNECTIONS) ?? HARBOR_DEFAULTS.databaseMaxOpenConns,
  };
}

export function checkExternalDatabase(c: Checker): HarborConfig['external_database'] {
  if (!c.section(['external_database'])) return undefined;
  const key = ['external_database', 'harbor'];
  if (!c.section(key)) {
    if (c.value(key) === undefined) c.problem(key, 'missing: the connection settings of the external PostgreSQL database', 'key');
    return undefined;
  }
  const host = c.string([...key, 'host'], { required: 'the DNS name or IP address of the PostgreSQL server' });
  if (host !== undefined) {
    const problem = hostProblem(host);
    if (problem) c.problem([...key, 'host'], problem);
  }
  const port = c.port([...key, 'port']);
  if (port === undefined && c.value([...key, 'port']) === undefined) c.problem([...key, 'port'], 'missing: the port of the PostgreSQL server (usually 5432)', 'key');
  const db_name = c.string([...key, 'db_name'], { required: 'the name of the database' });
  const username = c.string([...key, 'username'], { required: 'the user to connect as' });
  const password = c.string([...key, 'password'], { required: 'the password of that user', secret: true });
  const ssl_mode = c.oneOf([...key, 'ssl_mode'], SSL_MODES) ?? HARBOR_DEFAULTS.externalDatabaseSslMode;
  const max_idle_conns = c.integer([...key, 'max_idle_conns'], CONNECTIONS) ?? HARBOR_DEFAULTS.externalDatabaseMaxIdleConns;
  const max_open_conns = c.integer([...key, 'max_open_conns'], CONNECTIONS) ?? HARBOR_DEFAULTS.externalDatabaseMaxOpenConns;
  if (host === undefined || port === undefined || db_name === undefined || username === undefined || password === undefined) return undefined;
  return { harbor: { host, port, db_name, username, password, ssl_mode, max_idle_conns, max_open_conns } };
}
