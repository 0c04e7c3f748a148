import { posix } from 'node:path';
import { argvOf, type ComposeFile, type ComposeService, dependsOn, environmentOf, volumeOf } from './compose-types';
import {
  builtImage,
  checkAccelPrefix,
  checkSharedRedis,
  checkCommand,
  checkEnvNames,
  checkImage,
  checkProbePath,
  effectiveArgv,
  hostPort,
  listenPort,
  PORT_VARIABLE,
  programOf,
  type RedisUser,
  serves,
  splitImage,
  UPSTREAMS,
} from './containers';
import { COMPOSE_ENV_EXAMPLE, type DeploySources, IMAGE_NAMESPACE } from './deploy-sources';
import { finalStage } from './dockerfile';

/**
 * Consistency of docker-compose.yml (alone, and with each file layered on it): images and their
 * builds, settings each program reads, health checks on real routes and ports (and none asking
 * the jobservice, which has no port), `depends_on` for every service a service talks to, shared
 * storage mounted read-only in the gateway and writable in the jobservice, one Redis for what
 * programs share there, secrets, and every ${VARIABLE} documented in deploy/compose/env.example.
 */

/** Settings holding a URL whose host is another service. */
const URL_SETTINGS = ['DATABASE_URL', 'REDIS_URL', 'JOB_REDIS_URL', 'REGISTRY_REDIS_URL'];
/** Settings naming a file the container must be given (a secret or a mounted volume). */
const FILE_SETTINGS = ['TOKEN_PRIVATE_KEY', 'TOKEN_PUBLIC_KEY', 'GATEWAY_CERTIFICATE', 'GATEWAY_PRIVATE_KEY'];

/** `override` layered on `base` the way `docker compose -f base -f override` merges them. */
export function mergeCompose(base: ComposeFile, override: ComposeFile): ComposeFile {
  const services: Record<string, ComposeService> = { ...(base.services ?? {}) };
  for (const [name, extra] of Object.entries(override.services ?? {})) {
    const s = services[name] ?? {};
    services[name] = {
      ...s,
      ...extra,
      environment: Object.fromEntries([...environmentOf(s), ...environmentOf(extra)].map(([k, v]) => [k, v ?? null])),
      ports: [...(s.ports ?? []), ...(extra.ports ?? [])],
      volumes: [...(s.volumes ?? []), ...(extra.volumes ?? [])],
      secrets: [...(s.secrets ?? []), ...(extra.secrets ?? [])],
    };
  }
  return { ...base, ...override, services, secrets: { ...(base.secrets ?? {}), ...(override.secrets ?? {}) } };
}

function containerPorts(service: ComposeService): number[] {
  return (service.ports ?? []).map((p) => {
    if (typeof p === 'number') return p;
    if (typeof p === 'object') return Number(p.target);
    const parts = p.split('/')[0].split(':');
    return Number(parts[parts.length - 1]);
  });
}

function healthcheckArgv(service: ComposeService): string[] | undefined {
  const test = service.healthcheck?.test;
  if (test === undefined || service.healthcheck?.disable) return undefined;
  if (typeof test === 'string') return ['/bin/sh', '-c', test];
  if (test[0] === 'CMD') return test.slice(1);
  if (test[0] === 'CMD-SHELL') return ['/bin/sh', '-c', test.slice(1).join(' ')];
  return test[0] === 'NONE' ? undefined : test;
}

function hasHealthcheck(sources: DeploySources, service: ComposeService): boolean {
  if (healthcheckArgv(service)) return true;
  const built = service.image ? builtImage(sources, service.image) : undefined;
  return !service.healthcheck?.disable && built !== undefined && finalStage(built.dockerfile).healthcheck !== undefined;
}

function hostOf(setting: string, value: string): string | undefined {
  if (URL_SETTINGS.includes(setting)) {
    try {
      return new URL(value).hostname;
    } catch {
      return undefined;
    }
  }
  return hostPort(value)?.host;
}

function checkService(sources: DeploySources, compose: ComposeFile, name: string, service: ComposeService, where: string): string[] {
  const problems: string[] = [];
  const services = compose.services ?? {};
  problems.push(...checkImage(sources, service.image, where));
  const built = service.image ? builtImage(sources, service.image) : undefined;
  if (service.image && splitImage(service.image).name.startsWith(IMAGE_NAMESPACE)) {
    const build = typeof service.build === 'string' ? { context: service.build } : service.build;
    const expected = built?.file;
    if (!build) problems.push(`${where}: image ${service.image} is built here but the service has no build section`);
    else if (expected && posix.normalize(build.dockerfile ?? 'Dockerfile') !== expected) {
      problems.push(`${where}: builds ${build.dockerfile ?? 'Dockerfile'}, but image ${service.image} comes from ${expected}`);
    } else if (posix.normalize(build.context ?? '.') !== '.') problems.push(`${where}: the build context must be the repository root`);
  }
  const argv = effectiveArgv(built, argvOf(service.command), undefined, true);
  const program = programOf(sources, service.image, argv);
  problems.push(...checkCommand(sources, service.image, argv, where));
  const env = environmentOf(service);
  problems.push(...checkEnvNames(sources, program, env.keys(), where));

  // Health checks: scripts in the image, and URLs on the program's port and routes.
  const health = healthcheckArgv(service);
  if (health) {
    problems.push(...checkCommand(sources, service.image, health, `${where} healthcheck`));
    for (const arg of health) {
      const m = /^https?:\/\/(?:127\.0\.0\.1|localhost):(\d+)(\/\S*)$/.exec(arg);
      if (!m || !program) continue;
      const listen = listenPort(program, env);
      if (listen !== undefined && Number(listen) !== Number(m[1])) problems.push(`${where}: healthcheck calls port ${m[1]}, but ${PORT_VARIABLE[program]} is ${listen}`);
      problems.push(...checkProbePath(sources, program, m[2], `${where} healthcheck`));
    }
  } else if (program && serves(program)) {
    if (!hasHealthcheck(sources, service)) problems.push(`${where}: needs a healthcheck`);
  } else if (program && hasHealthcheck(sources, service)) {
    // The image's HEALTHCHECK asks core's port: a program without one would never be healthy.
    problems.push(`${where}: inherits the image's HEALTHCHECK, but ${program} serves no port; set healthcheck: disable: true`);
  }

  // depends_on: what exists, what is waited for, and everything this service talks to.
  const deps = dependsOn(service);
  for (const [dep, condition] of deps) {
    if (!services[dep]) problems.push(`${where}: depends on ${dep}, which is not a service`);
    else if (condition === 'service_healthy' && !hasHealthcheck(sources, services[dep])) problems.push(`${where}: waits for ${dep} to be healthy, but ${dep} has no healthcheck`);
  }
  for (const [setting, value] of env) {
    if (value === undefined || !(URL_SETTINGS.includes(setting) || setting in UPSTREAMS)) continue;
    const host = hostOf(setting, value);
    if (!host || !services[host]) {
      problems.push(`${where}: ${setting} names host ${host ?? '?'}, which is not a service`);
      continue;
    }
    if (deps.get(host) !== 'service_healthy') problems.push(`${where}: uses ${host} (${setting}) without depends_on ${host} with condition service_healthy`);
    const target = services[host];
    const targetArgv = effectiveArgv(target.image ? builtImage(sources, target.image) : undefined, argvOf(target.command), undefined, true);
    const targetProgram = programOf(sources, target.image, targetArgv);
    if (setting in UPSTREAMS) {
      const wanted = UPSTREAMS[setting];
      if (targetProgram !== wanted) problems.push(`${where}: ${setting}=${value}, but ${host} does not run ${wanted}`);
      const listen = listenPort(wanted, environmentOf(target));
      if (listen !== undefined && Number(listen) !== hostPort(value)?.port) problems.push(`${where}: ${setting}=${value}, but ${host} listens on ${listen}`);
    }
    if (setting === 'DATABASE_URL' && target.image && splitImage(target.image).name === 'postgres') problems.push(...checkDatabaseCredentials(value, target, where));
  }

  // Files the program reads must be secrets or mounted volumes of this service.
  const secretNames = (service.secrets ?? []).map((s) => (typeof s === 'string' ? { source: s, target: s } : { source: s.source, target: s.target ?? s.source }));
  for (const s of secretNames) if (!compose.secrets?.[s.source]) problems.push(`${where}: uses secret ${s.source}, which is not defined`);
  const mounts = (service.volumes ?? []).map(volumeOf);
  for (const setting of FILE_SETTINGS) {
    const path = env.get(setting);
    if (path === undefined) continue;
    const fromSecret = secretNames.some((s) => posix.resolve('/run/secrets', s.target) === path);
    const fromVolume = mounts.some((m) => path === m.target || path.startsWith(`${m.target}/`));
    if (!fromSecret && !fromVolume) problems.push(`${where}: ${setting}=${path} is neither one of its secrets nor on a mounted volume`);
  }

  problems.push(...checkAccelPrefix(sources, env.get('REGISTRY_ACCEL_PREFIX'), where));
  if (program === 'jobservice') problems.push(...checkJobStorage(sources, compose, service, env.get('DATA_DIR'), where));
  if (program === 'gateway') {
    for (const setting of ['GATEWAY_HTTP_PORT', 'GATEWAY_HTTPS_PORT']) {
      const port = env.get(setting);
      if (port !== undefined && !containerPorts(service).includes(Number(port))) problems.push(`${where}: ${setting}=${port} is not published`);
    }
    problems.push(...checkBlobRoot(sources, compose, name, service, env.get('GATEWAY_BLOB_ROOT'), where));
  }
  return problems;
}

function checkDatabaseCredentials(value: string, postgres: ComposeService, where: string): string[] {
  const url = new URL(value);
  const env = environmentOf(postgres);
  const problems: string[] = [];
  const wanted: [string, string, string | undefined][] = [
    ['user', decodeURIComponent(url.username), env.get('POSTGRES_USER') ?? 'postgres'],
    ['password', decodeURIComponent(url.password), env.get('POSTGRES_PASSWORD')],
    ['database', decodeURIComponent(url.pathname.replace(/^\//, '')), env.get('POSTGRES_DB') ?? env.get('POSTGRES_USER') ?? 'postgres'],
  ];
  for (const [what, given, expected] of wanted) {
    if (given !== expected) problems.push(`${where}: DATABASE_URL's ${what} does not match the postgres service's`);
  }
  return problems;
}

/** The gateway's blob root must be the registry's DATA_DIR storage, mounted read-only. */
function checkBlobRoot(sources: DeploySources, compose: ComposeFile, _name: string, gateway: ComposeService, blobRoot: string | undefined, where: string): string[] {
  if (blobRoot === undefined) return [`${where}: GATEWAY_BLOB_ROOT is not set`];
  const mount = (gateway.volumes ?? []).map(volumeOf).find((m) => m.target === blobRoot);
  if (!mount?.source) return [`${where}: GATEWAY_BLOB_ROOT=${blobRoot} is not a mounted volume`];
  const problems = mount.readOnly ? [] : [`${where}: the registry storage must be mounted read-only (:ro) in the gateway`];
  if (!registryStorage(sources, compose).has(mount.source)) problems.push(`${where}: GATEWAY_BLOB_ROOT is mounted from ${mount.source}, which is no registry's DATA_DIR volume`);
  return problems;
}

/** The volume sources mounted at the DATA_DIR of every service running the registry. */
function registryStorage(sources: DeploySources, compose: ComposeFile): Set<string> {
  const found = new Set<string>();
  for (const s of Object.values(compose.services ?? {})) {
    if (programOfService(sources, s) !== 'registry') continue;
    const dataDir = environmentOf(s).get('DATA_DIR');
    for (const m of (s.volumes ?? []).map(volumeOf)) if (m.source && m.target === dataDir) found.add(m.source);
  }
  return found;
}

function programOfService(sources: DeploySources, s: ComposeService) {
  const argv = effectiveArgv(s.image ? builtImage(sources, s.image) : undefined, argvOf(s.command), undefined, true);
  return programOf(sources, s.image, argv);
}

/** Garbage collection deletes from the registry's storage: the jobservice's DATA_DIR is that volume, writable. */
function checkJobStorage(sources: DeploySources, compose: ComposeFile, service: ComposeService, dataDir: string | undefined, where: string): string[] {
  if (dataDir === undefined) return [`${where}: DATA_DIR is not set; it must be the registry's storage`];
  const mount = (service.volumes ?? []).map(volumeOf).find((m) => m.target === dataDir);
  if (!mount?.source) return [`${where}: DATA_DIR=${dataDir} is not a mounted volume`];
  const problems = mount.readOnly ? [`${where}: the registry storage must be mounted writable in the jobservice`] : [];
  if (!registryStorage(sources, compose).has(mount.source)) problems.push(`${where}: DATA_DIR is mounted from ${mount.source}, which is not the registry's storage`);
  return problems;
}

function checkFile(sources: DeploySources, compose: ComposeFile, label: string): string[] {
  const services = Object.entries(compose.services ?? {});
  const problems = services.flatMap(([name, service]) => checkService(sources, compose, name, service, `${label} service ${name}`));
  const redisUsers: RedisUser[] = services.flatMap(([name, service]) => {
    const program = programOfService(sources, service);
    const env = environmentOf(service);
    return program ? [{ program, where: `${label} service ${name}`, origin: (setting: string) => env.get(setting) }] : [];
  });
  return [...problems, ...checkSharedRedis(sources, redisUsers)];
}

export function checkCompose(sources: DeploySources): string[] {
  const [main, ...overrides] = sources.compose;
  if (!main) return ['no Compose file'];
  const problems = checkFile(sources, main.resolved, main.file);
  for (const o of overrides) {
    for (const name of Object.keys(o.resolved.services ?? {})) {
      if (!main.resolved.services?.[name]) problems.push(`${o.file}: service ${name} is not in ${main.file}`);
    }
    problems.push(...checkFile(sources, mergeCompose(main.resolved, o.resolved), `${main.file} + ${o.file}`));
  }
  const used = new Set(sources.compose.flatMap((c) => c.variables));
  for (const c of sources.compose) {
    for (const v of c.variables) if (!sources.composeVariables.has(v)) problems.push(`${c.file}: \${${v}} is not documented in ${COMPOSE_ENV_EXAMPLE}`);
  }
  for (const v of sources.composeVariables.keys()) if (!used.has(v)) problems.push(`${COMPOSE_ENV_EXAMPLE}: ${v} is used by no Compose file`);
  return [...new Set(problems)];
}
