import { chmodSync, existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { formatProblem, HarborConfigError, loadHarborConfigWithNotes, type HarborConfig } from '@wharf/config';
import { installPackages, isRoot, postgresBinDir, which, type MissingProgram } from './binaries';
import { ensureCluster, ensureRoleAndDatabase, postgresUser, prepareDirectories, withTemporaryServer } from './bundled-postgres';
import { parseArgs } from './cli-args';
import { findRunning, startSupervisor, statusReport, stopSupervisor } from './control';
import { runDockerCompose } from './docker-compose';
import { renderNginxConfig } from './gateway/nginx-config';
import { readRecord, writeRecord } from './installation-record';
import { layoutOf, type Layout } from './layout';
import { runMigrations } from './migrations';
import { installPortalFiles, PortalFilesError } from './portal-files';
import { installationPorts, portsInUse } from './ports';
import { ensureSecrets, instanceKey } from './secrets';
import { readyMessage } from './ready-message';
import { StartFailure, tailLogs, waitUntilReady } from './readiness';
import { corePort, databasePassword, gatewayUrl, registryDataDir, registryPort, renderServices } from './service-env';
import type { SupervisorPlan } from './service-spec';
import { ensureLogFile } from './rotating-log';

/**
 * The installer behind ./install.sh: validates harbor.yml, prepares the data volume (secrets,
 * bundled PostgreSQL and Redis, migrations, rendered configuration), (re)starts the supervisor and
 * waits until the registry answers through the gateway.
 */

/** dist/tools/install/src -> dist/ */
const DIST = resolve(__dirname, '../../..');
/** Long enough for a first start on a slow machine (migrations, every service in turn). */
const READY_TIMEOUT_MS = 240_000;
/** install.sh runs from its own directory, where the record of started installations is kept. */
const INSTALL_DIR = process.cwd();
const HELP = `Usage: ./install.sh [--config <path>] [--stop | --status | --docker | --help]`;

const say = (line: string) => console.log(line);

class Fatal extends Error {
  constructor(message: string, readonly exitCode = 1) {
    super(message);
  }
}

function loadConfig(path: string): HarborConfig {
  if (!existsSync(path)) throw new Fatal(`error: ${path} not found; copy harbor.yml.tmpl to it and edit it`, 2);
  try {
    const { config, notes } = loadHarborConfigWithNotes(path);
    for (const note of notes) console.log(`note: ${formatProblem(note)}`);
    return config;
  } catch (err) {
    if (err instanceof HarborConfigError) {
      const lines = err.problems.map((p) => `  ${formatProblem(p)}`);
      throw new Fatal(`error: ${path} is not valid; nothing was changed:\n${lines.join('\n')}`, 2);
    }
    throw err;
  }
}

function layoutFor(config: HarborConfig): Layout {
  return layoutOf(config.data_volume, config.log.local.location);
}

async function checkPorts(config: HarborConfig, own: readonly number[] = []): Promise<void> {
  const busy = await portsInUse(config, own);
  if (busy.length > 0) throw new Fatal(`error: cannot start:\n${busy.map((line) => `  ${line}`).join('\n')}`, 2);
}

/** Where the installation `configPath` last started lives, whatever harbor.yml says now. */
function recordedLayout(configPath: string): Layout | undefined {
  const record = readRecord(INSTALL_DIR, configPath);
  return record && layoutOf(record.dataVolume, record.logDir);
}

function ensurePrograms(config: HarborConfig): { pgBinDir?: string } {
  const missing: MissingProgram[] = [];
  const pgBin = () => (config.external_database ? undefined : postgresBinDir());
  if (!config.external_database && !pgBin()) missing.push({ program: 'postgres', debianPackage: 'postgresql' });
  if (!config.external_redis && !which('redis-server')) missing.push({ program: 'redis-server', debianPackage: 'redis-server' });
  if (!which('nginx', ['/usr/sbin'])) missing.push({ program: 'nginx', debianPackage: 'nginx-light' });
  if (!installPackages(missing, say)) throw new Fatal('error: required programs are missing');
  return { pgBinDir: pgBin() };
}

function makeDirectories(config: HarborConfig, layout: Layout): void {
  mkdirSync(layout.dataVolume, { recursive: true, mode: 0o755 });
  // The bundled PostgreSQL (its own user) and nginx's workers must reach their directories inside.
  chmodSync(layout.dataVolume, 0o755);
  for (const dir of [layout.runDir, layout.coreDir, layout.registryDir, registryDataDir(config, layout), layout.nginxPrefix, join(layout.nginxPrefix, 'logs'), layout.logDir]) {
    mkdirSync(dir, { recursive: true, mode: 0o755 });
  }
  mkdirSync(layout.redisDir, { recursive: true, mode: 0o700 });
}

async function install(configPath: string): Promise<void> {
  const config = loadConfig(configPath);
  const layout = layoutFor(config);
  const { pgBinDir } = ensurePrograms(config);
  makeDirectories(config, layout);
  const secrets = await ensureSecrets(layout);

  const dbUser = config.external_database ? undefined : postgresUser();
  const ctx = {
    config,
    layout,
    secrets,
    nodePath: process.execPath,
    distDir: DIST,
    pgBinDir,
    pgUser: dbUser && isRoot() ? { uid: dbUser.uid, gid: dbUser.gid } : undefined,
    nginxPath: which('nginx', ['/usr/sbin']),
    redisPath: which('redis-server'),
    baseEnv: { PATH: process.env['PATH'] ?? '/usr/local/bin:/usr/bin:/bin', HOME: process.env['HOME'] ?? '/root', LANG: 'C.UTF-8' },
  };
  const services = renderServices(ctx);
  const dbUrl = services.find((s) => s.name === 'core')?.env['DATABASE_URL'] ?? '';
  const gatewayLogs = { access: join(layout.logDir, 'gateway-access.log'), error: join(layout.logDir, 'gateway-error.log') };
  const nginxConf = renderNginxConfig({
    prefix: layout.nginxPrefix,
    hostname: config.hostname,
    httpPort: config.http.port,
    ...(config.https ? { https: { port: config.https.port, certificate: config.https.certificate, privateKey: config.https.private_key } } : {}),
    coreUpstream: `127.0.0.1:${corePort(config)}`,
    registryUpstream: `127.0.0.1:${registryPort(config)}`,
    blobRoot: registryDataDir(config, layout),
    portalRoot: layout.portalDir,
    accessLog: gatewayLogs.access,
    errorLog: gatewayLogs.error,
  });
  // Before anything is stopped: without a console build, the running installation stays as it is.
  // A running gateway switches to the new files at once, whole.
  try {
    if (installPortalFiles(join(DIST, 'apps/portal'), layout.portalDir)) say(`installed the web console into ${layout.portalDir}`);
  } catch (err) {
    if (err instanceof PortalFilesError) throw new Fatal(`error: ${err.message}`);
    throw err;
  }

  // A running installation is restarted with the new configuration, but only once the new one
  // can start: ports another program holds are refused before anything is stopped. One started
  // by an older installer does not say which ports are its own: they are checked once it stopped.
  const running = findRunning([recordedLayout(configPath), layout].filter((l): l is Layout => l !== undefined));
  if (!running || running.ports) await checkPorts(config, running?.ports);
  if (running) {
    if (await stopSupervisor(running.layout)) say('stopped the running installation');
    await checkPorts(config);
  }

  if (dbUser && pgBinDir) {
    prepareDirectories(layout, dbUser);
    if (ensureCluster(layout, dbUser, pgBinDir)) say(`created the database cluster in ${layout.databaseDir}`);
    await withTemporaryServer(layout, dbUser, pgBinDir, async () => {
      ensureRoleAndDatabase(layout, dbUser, pgBinDir, databasePassword(config, secrets));
      say(await runMigrations(DIST, dbUrl));
    });
  } else {
    say(await runMigrations(DIST, dbUrl));
  }

  writeFileSync(join(layout.nginxPrefix, 'nginx.conf'), nginxConf);
  ensureLogFile(gatewayLogs.access);
  ensureLogFile(gatewayLogs.error);

  const plan: SupervisorPlan = {
    services,
    pidFile: layout.pidFile,
    stateFile: layout.stateFile,
    logDir: layout.logDir,
    rotateSizeBytes: config.log.local.rotate_size_bytes,
    rotateCount: config.log.local.rotate_count,
    ports: installationPorts(config).map(([, port]) => port),
  };
  // Holds passwords (database, admin): readable by root only.
  writeFileSync(layout.servicesFile, JSON.stringify(plan, null, 2) + '\n', { mode: 0o600 });
  chmodSync(layout.servicesFile, 0o600);

  writeRecord(INSTALL_DIR, configPath, { dataVolume: layout.dataVolume, logDir: layout.logDir });

  const pid = await startSupervisor(layout, join(__dirname, 'supervisor.js'));
  say(`started the supervisor (pid ${pid}); waiting for every service`);
  const port = config.https ? config.https.port : config.http.port;
  try {
    await waitUntilReady({ gatewayUrl: gatewayUrl(config), hostHeader: `${config.hostname}:${port}`, instanceKey: instanceKey(secrets), layout, supervisorPid: pid }, READY_TIMEOUT_MS);
  } catch (err) {
    // Nothing half-started stays behind: the operator fixes the cause and runs ./install.sh again.
    await stopSupervisor(layout);
    const evidence = err instanceof StartFailure ? err.evidence : tailLogs(layout);
    throw new Fatal(`error: ${(err as Error).message}; the installation was stopped\n${evidence}`);
  }
  for (const line of readyMessage(config, layout.logDir)) say(line);
}

async function main(): Promise<number> {
  const args = parseArgs(process.argv.slice(2));
  if (args.mode === 'help') {
    say(HELP);
    return 0;
  }
  if (args.mode === 'docker') {
    const config = loadConfig(args.configPath);
    const layout = layoutFor(config);
    const secrets = await ensureSecrets(layout);
    return runDockerCompose(config, layout, secrets, resolve(__dirname, '../../../..'), say);
  }
  if (args.mode === 'install') {
    await install(args.configPath);
    return 0;
  }
  // The installation that runs, not the one harbor.yml would describe now: it may have changed
  // or stopped validating since.
  const layout = recordedLayout(args.configPath) ?? layoutFor(loadConfig(args.configPath));
  if (args.mode === 'stop') {
    say((await stopSupervisor(layout)) ? 'stopped' : 'not running');
    return 0;
  }
  const report = statusReport(layout);
  for (const line of report.lines) say(line);
  return report.running ? 0 : 3;
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    if (err instanceof Fatal) {
      console.error(err.message);
      process.exit(err.exitCode);
    }
    console.error(`error: ${(err as Error).message}`);
    process.exit(1);
  },
);
