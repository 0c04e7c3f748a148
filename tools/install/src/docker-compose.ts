import { spawnSync } from 'node:child_process';
import { chownSync, existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { HarborConfig } from '@wharf/config';
import type { Layout } from './layout';
import type { Secrets } from './secrets';
import { appLogLevel, externalUrl, manifestUrlPatterns, proxyEnv, registryWorkers } from './service-env';

/** The user the Wharf images run as (deploy/docker/wharf.Dockerfile). */
const IMAGE_UID = 10001;

/**
 * The variables docker-compose.yml reads (documented in deploy/compose/env.example), from
 * harbor.yml and the generated secrets. The database password is the generated one: it goes into
 * DATABASE_URL and is URL-safe.
 */
export function composeEnv(config: HarborConfig, secrets: Secrets): Record<string, string> {
  // Webhook deliveries go through harbor.yml's proxy when its components name the jobservice;
  // the containers reach each other by service name, which NO_PROXY lists as well.
  const proxy = proxyEnv(config, 'jobservice');
  const jobserviceProxy: Record<string, string> = {};
  if (proxy['HTTP_PROXY']) jobserviceProxy['WHARF_JOBSERVICE_HTTP_PROXY'] = proxy['HTTP_PROXY'];
  if (proxy['HTTPS_PROXY']) jobserviceProxy['WHARF_JOBSERVICE_HTTPS_PROXY'] = proxy['HTTPS_PROXY'];
  if (proxy['NO_PROXY']) jobserviceProxy['WHARF_JOBSERVICE_NO_PROXY'] = ['core', 'registry', 'postgres', 'redis', proxy['NO_PROXY']].join(',');
  const urls = manifestUrlPatterns(config);
  return {
    WHARF_HOSTNAME: config.hostname,
    WHARF_HTTP_PORT: String(config.http.port),
    ...(config.https
      ? { WHARF_HTTPS_PORT: String(config.https.port), WHARF_TLS_CERTIFICATE: config.https.certificate, WHARF_TLS_PRIVATE_KEY: config.https.private_key }
      : {}),
    WHARF_EXTERNAL_URL: externalUrl(config),
    WHARF_DATA_VOLUME: config.data_volume,
    WHARF_UID: String(IMAGE_UID),
    WHARF_GID: String(IMAGE_UID),
    WHARF_ADMIN_PASSWORD: config.harbor_admin_password,
    WHARF_DATABASE_PASSWORD: secrets.databasePassword,
    WHARF_LOG_LEVEL: appLogLevel(config.log.level),
    WHARF_REGISTRY_WORKERS: String(registryWorkers(config)),
    ...(urls.allow ? { WHARF_REGISTRY_MANIFEST_URLS_ALLOW: urls.allow } : {}),
    ...(urls.deny ? { WHARF_REGISTRY_MANIFEST_URLS_DENY: urls.deny } : {}),
    WHARF_JOBSERVICE_WORKERS: String(config.jobservice.max_job_workers),
    ...jobserviceProxy,
  };
}

function envFileText(env: Record<string, string>): string {
  // Compose env files take values literally up to the end of line; quoting keeps "#" and spaces.
  return Object.entries(env)
    .map(([k, v]) => `${k}='${v.replace(/'/g, "'\\''")}'`)
    .join('\n') + '\n';
}

/**
 * `./install.sh --docker`: the same installation through docker-compose.yml at the repository root
 * (with deploy/compose/https.yml when https is set). Secrets are generated first, as for the plain
 * install, and the data directories the containers write are handed to the images' user.
 */
export function runDockerCompose(config: HarborConfig, layout: Layout, secrets: Secrets, repoRoot: string, say: (line: string) => void): number {
  const composeFile = join(repoRoot, 'docker-compose.yml');
  if (!existsSync(composeFile)) {
    say(`error: ${composeFile} not found`);
    return 1;
  }
  const probe = spawnSync('docker', ['info', '--format', '{{.ServerVersion}}'], { encoding: 'utf8' });
  if (probe.status !== 0) {
    say('error: --docker needs a running Docker engine (`docker info` failed); run ./install.sh without --docker instead');
    return 1;
  }
  for (const dir of [join(config.data_volume, 'core'), join(config.data_volume, 'registry')]) {
    mkdirSync(dir, { recursive: true });
    if (process.getuid?.() === 0) chownSync(dir, IMAGE_UID, IMAGE_UID);
  }
  if (process.getuid?.() === 0) chownSync(layout.signingKeyFile, IMAGE_UID, IMAGE_UID);
  if (config.database.password !== undefined) {
    say(`note: database.password applies to ./install.sh's bundled PostgreSQL; the Compose database keeps the password in ${layout.databasePasswordFile}, which it was created with`);
  }
  const envFile = join(repoRoot, '.env');
  writeFileSync(envFile, envFileText(composeEnv(config, secrets)), { mode: 0o600 });
  const files = ['-f', composeFile, ...(config.https ? ['-f', join(repoRoot, 'deploy', 'compose', 'https.yml')] : [])];
  say(`wrote ${envFile}; running docker compose up -d --build`);
  const up = spawnSync('docker', ['compose', ...files, '--env-file', envFile, 'up', '-d', '--build'], { stdio: 'inherit', cwd: repoRoot });
  return up.status ?? 1;
}
