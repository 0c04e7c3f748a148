import { join } from 'node:path';

/**
 * Where an installation keeps everything, under harbor.yml's data_volume:
 *
 *   <data_volume>/secret/            0700; generated once, never rewritten
 *     database_password, internal_secret, core/private_key.pem (token signing key)
 *   <data_volume>/database/          bundled PostgreSQL cluster (owned by the postgres user)
 *   <data_volume>/redis/             bundled Redis (append-only file)
 *   <data_volume>/core/              core's DATA_DIR
 *   <data_volume>/registry/          the registry's DATA_DIR (blobs under blobs/)
 *   <data_volume>/run/               sockets, rendered configuration, supervisor pid and state
 *     postgresql/.s.PGSQL.5432, redis.sock, services.json, supervisor.pid, supervisor.json, nginx/,
 *     portal -> portal-<digest>/      the web console's files the gateway serves (portal-files.ts)
 */
export interface Layout {
  dataVolume: string;
  secretDir: string;
  databasePasswordFile: string;
  internalSecretFile: string;
  signingKeyFile: string;
  databaseDir: string;
  redisDir: string;
  coreDir: string;
  registryDir: string;
  runDir: string;
  /** PostgreSQL's socket directory; its own so that it can belong to the postgres user. */
  pgSocketDir: string;
  redisSocket: string;
  nginxPrefix: string;
  /** The link to the web console's files (index.html, assets/) the gateway serves at `/`. */
  portalDir: string;
  servicesFile: string;
  pidFile: string;
  stateFile: string;
  logDir: string;
}

export function layoutOf(dataVolume: string, logDir: string): Layout {
  const secretDir = join(dataVolume, 'secret');
  const runDir = join(dataVolume, 'run');
  return {
    dataVolume,
    secretDir,
    databasePasswordFile: join(secretDir, 'database_password'),
    internalSecretFile: join(secretDir, 'internal_secret'),
    signingKeyFile: join(secretDir, 'core', 'private_key.pem'),
    databaseDir: join(dataVolume, 'database'),
    redisDir: join(dataVolume, 'redis'),
    coreDir: join(dataVolume, 'core'),
    registryDir: join(dataVolume, 'registry'),
    runDir,
    pgSocketDir: join(runDir, 'postgresql'),
    redisSocket: join(runDir, 'redis.sock'),
    nginxPrefix: join(runDir, 'nginx'),
    portalDir: join(runDir, 'portal'),
    servicesFile: join(runDir, 'services.json'),
    pidFile: join(runDir, 'supervisor.pid'),
    stateFile: join(runDir, 'supervisor.json'),
    logDir,
  };
}
