import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { checkAccess } from './check-access';
import { checkDatabase, checkExternalDatabase } from './check-database';
import { checkLog } from './check-log';
import { checkPortClashes } from './check-ports';
import { checkExternalRedis } from './check-redis';
import { checkServices } from './check-services';
import { checkStorage } from './check-storage';
import { Checker } from './checker';
import { HarborConfigError, type ConfigProblem } from './config-problem';
import { TEMPLATE_FILE, type HarborConfig } from './harbor-config';
import { checkKeys } from './known-keys';
import { parseYaml } from './yaml-source';

export interface HarborConfigReport {
  /** Set only when there are no problems. */
  config?: HarborConfig;
  /** Everything that keeps the file from being used, in file order. */
  problems: ConfigProblem[];
  /** Worth telling the operator, but no reason to stop: ignored Harbor keys, a certificate about to bite. */
  notes: ConfigProblem[];
}

export interface InspectOptions {
  /** The moment certificates are checked against (tests move it). */
  now?: Date;
}

function byPosition(a: ConfigProblem, b: ConfigProblem): number {
  return (a.line ?? 0) - (b.line ?? 0) || (a.column ?? 0) - (b.column ?? 0);
}

function isMapping(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Validates harbor.yml's text and reports every problem and note; never throws. */
export function inspectHarborConfig(text: string, baseDir: string, options: InspectOptions = {}): HarborConfigReport {
  const source = parseYaml(text);
  if (source.syntaxProblems.length > 0) return { problems: source.syntaxProblems, notes: [] };
  if (source.value !== undefined && source.value !== null && !isMapping(source.value)) {
    return { problems: [{ key: '(file)', reason: 'expected keys like "hostname: ..." at the top level' }], notes: [] };
  }

  const c = new Checker(source, resolve(baseDir), options.now ?? new Date());
  const keys = checkKeys(source.value);
  for (const p of keys.problems) c.problem(p.path, p.reason, 'key');
  for (const n of keys.notes) c.note(n.path, n.reason, 'key');

  const access = checkAccess(c);
  const storage = checkStorage(c);
  const database = checkDatabase(c);
  const external_database = checkExternalDatabase(c);
  const external_redis = checkExternalRedis(c);
  const log = checkLog(c);
  const services = checkServices(c);
  checkPortClashes(c, { ...access, ...services });

  const problems = [...c.problems].sort(byPosition);
  const notes = [...c.notes].sort(byPosition);
  if (problems.length > 0) return { problems, notes };

  const { hostname, http, https, external_url, harbor_admin_password } = access;
  const { data_volume, storage_service } = storage;
  // No problems means every required value was read; a gap here is a bug in the checks.
  if (hostname === undefined || http === undefined || harbor_admin_password === undefined || data_volume === undefined || storage_service === undefined || log === undefined) {
    const missing = { hostname, http, harbor_admin_password, data_volume, storage_service, log };
    const unread = Object.entries(missing).filter(([, v]) => v === undefined).map(([k]) => k);
    throw new Error(`harbor.yml checks passed without reading ${unread.join(', ')}`);
  }
  const config: HarborConfig = {
    hostname,
    http,
    ...(https ? { https } : {}),
    ...(external_url !== undefined ? { external_url } : {}),
    harbor_admin_password,
    database,
    data_volume,
    storage_service,
    jobservice: services.jobservice,
    notification: services.notification,
    log,
    ...(external_database ? { external_database } : {}),
    ...(external_redis ? { external_redis } : {}),
    ...(services.metric ? { metric: services.metric } : {}),
    ...(services.proxy ? { proxy: services.proxy } : {}),
    wharf: services.wharf,
  };
  return { config, problems, notes };
}

/** Validates harbor.yml's text; relative certificate paths resolve against `baseDir`. */
export function parseHarborConfig(text: string, baseDir: string): HarborConfig {
  const report = inspectHarborConfig(text, baseDir);
  if (!report.config) throw new HarborConfigError(report.problems);
  return report.config;
}

function readConfigFile(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    const reason =
      code === 'ENOENT'
        ? `${path} does not exist; copy ${TEMPLATE_FILE} to it and edit it`
        : code === 'EISDIR'
          ? `${path} is a directory`
          : `${path} cannot be read (${code ?? (e instanceof Error ? e.message : String(e))})`;
    throw new HarborConfigError([{ key: '(file)', reason }], path);
  }
}

/** Reads and validates harbor.yml, with the notes an installer should print. */
export function loadHarborConfigWithNotes(path: string): { config: HarborConfig; notes: ConfigProblem[] } {
  const file = resolve(path);
  const report = inspectHarborConfig(readConfigFile(file), dirname(file));
  if (!report.config) throw new HarborConfigError(report.problems, path);
  return { config: report.config, notes: report.notes };
}

/** Reads and validates harbor.yml; throws HarborConfigError listing every problem. */
export function loadHarborConfig(path: string): HarborConfig {
  return loadHarborConfigWithNotes(path).config;
}
