import { existsSync } from 'node:fs';
import { join, posix } from 'node:path';
import { routeMatches } from './app-routes';
import { type DeploySources, EXTERNAL_IMAGES, type ImageSource, IMAGE_NAMESPACE, type Program, sourceOfBuilt } from './deploy-sources';
import { finalStage, stageProvides } from './dockerfile';

/** Checks shared by Compose services and Kubernetes containers: images, commands, env, probes. */

export function splitImage(image: string): { name: string; tag?: string } {
  const slash = image.lastIndexOf('/');
  const colon = image.lastIndexOf(':');
  const at = image.indexOf('@');
  if (at >= 0) return { name: image.slice(0, at), tag: image.slice(at + 1) };
  return colon > slash ? { name: image.slice(0, colon), tag: image.slice(colon + 1) } : { name: image };
}

/** The Dockerfile building `image`, when it is one of ours. */
export function builtImage(sources: DeploySources, image: string): ImageSource | undefined {
  const { name } = splitImage(image);
  return name.startsWith(IMAGE_NAMESPACE) ? sources.images.get(name.slice(IMAGE_NAMESPACE.length)) : undefined;
}

export function checkImage(sources: DeploySources, image: string | undefined, where: string): string[] {
  if (!image) return [`${where}: no image`];
  const { name, tag } = splitImage(image);
  const problems: string[] = [];
  if (!tag || tag === 'latest') problems.push(`${where}: image ${image} must name a version, not ${tag ?? 'no tag'}`);
  if (name.startsWith(IMAGE_NAMESPACE)) {
    if (!builtImage(sources, image)) problems.push(`${where}: image ${image} is built by no deploy/docker/${name.slice(IMAGE_NAMESPACE.length)}.Dockerfile`);
  } else if (!EXTERNAL_IMAGES.includes(name)) {
    problems.push(`${where}: image ${image} is neither built here (${IMAGE_NAMESPACE}<name>) nor one of ${EXTERNAL_IMAGES.join(', ')}`);
  }
  return problems;
}

/**
 * The argv a container runs: `command` replaces the image's ENTRYPOINT (Kubernetes) and `args`
 * its CMD; Compose's `command` replaces only the CMD (pass `keepEntrypoint`).
 */
export function effectiveArgv(image: ImageSource | undefined, command: string[] | undefined, args: string[] | undefined, keepEntrypoint = false): string[] {
  const stage = image ? finalStage(image.dockerfile) : undefined;
  const entrypoint = command !== undefined && !keepEntrypoint ? command : (stage?.entrypoint ?? []);
  const cmd = keepEntrypoint ? (command ?? stage?.cmd ?? []) : (args ?? (command !== undefined ? [] : (stage?.cmd ?? [])));
  return [...entrypoint, ...cmd];
}

const APP_MAIN = /(?:^|\/)dist\/apps\/([a-z-]+)\/src\/main\.js$/;

/** Which of Wharf's programs a container runs, judged by its image and argv. */
export function programOf(sources: DeploySources, image: string | undefined, argv: string[]): Program | undefined {
  if (!image || !builtImage(sources, image)) return undefined;
  for (const arg of argv) {
    const m = APP_MAIN.exec(arg);
    if (m && m[1] in sources.programs) return m[1] as Program;
  }
  const short = splitImage(image).name.slice(IMAGE_NAMESPACE.length);
  return short in sources.programs ? (short as Program) : undefined;
}

/**
 * Scripts named in argv must be in the image, and those built into dist/ must have their
 * TypeScript source in the repository.
 */
export function checkCommand(sources: DeploySources, image: string | undefined, argv: string[], where: string): string[] {
  const built = image ? builtImage(sources, image) : undefined;
  if (!built) return [];
  const stage = finalStage(built.dockerfile);
  const problems: string[] = [];
  for (const arg of argv) {
    if (!/^[\w./-]+\.(?:js|mjs|cjs|sh)$/.test(arg)) continue;
    const inImage = posix.resolve(stage.workdir, arg);
    if (!stageProvides(stage, inImage)) problems.push(`${where}: runs ${arg}, which ${built.file} does not copy into the image (${inImage})`);
    const source = sourceOfBuilt(posix.relative(stage.workdir, inImage));
    if (source && !existsSync(join(sources.root, source))) problems.push(`${where}: runs ${arg}, but its source ${source} does not exist`);
  }
  return problems;
}

export function checkEnvNames(sources: DeploySources, program: Program | undefined, names: Iterable<string>, where: string): string[] {
  if (!program) return [];
  const known = sources.programs[program].env;
  return [...names].filter((n) => !known.has(n)).map((n) => `${where}: ${program} is given ${n}, which its configuration does not read`);
}

export function checkProbePath(sources: DeploySources, program: Program | undefined, path: string, where: string): string[] {
  if (!program) return [];
  return routeMatches(sources.programs[program].routes, path) ? [] : [`${where}: probe path ${path} is not a GET route ${program} serves`];
}

/** The program's own listening port setting; undefined for the jobservice, which serves no port. */
export const PORT_VARIABLE: Record<Program, string | undefined> = { core: 'CORE_PORT', registry: 'REGISTRY_PORT', gateway: 'GATEWAY_HTTP_PORT', jobservice: undefined };

/** Whether the program listens (and so needs health checks that ask it, and replicas behind a Service). */
export function serves(program: Program): boolean {
  return PORT_VARIABLE[program] !== undefined;
}

/** The port a program listens on, as its settings say; undefined when unset or it serves none. */
export function listenPort(program: Program, env: Map<string, string | undefined>): string | undefined {
  const variable = PORT_VARIABLE[program];
  return variable === undefined ? undefined : env.get(variable);
}

/**
 * Redis databases programs must share, each program reading it from the first of its settings
 * that it reads and that is set: the job queues (core fills them, the jobservice takes from
 * them), and the registry's cache versions (core and the jobservice bump what the registry reads).
 */
export const SHARED_REDIS: { what: string; readers: Partial<Record<Program, string[]>> }[] = [
  { what: 'the job queues', readers: { core: ['JOB_REDIS_URL', 'REDIS_URL'], jobservice: ['JOB_REDIS_URL', 'REDIS_URL'] } },
  { what: "the registry's cache versions", readers: { registry: ['REDIS_URL'], core: ['REGISTRY_REDIS_URL', 'REDIS_URL'], jobservice: ['REDIS_URL'] } },
];

export interface RedisUser {
  program: Program;
  where: string;
  /**
   * What a setting refers to, comparable between containers (a literal value, or the Secret key
   * it comes from); undefined when unset.
   */
  origin: (setting: string) => string | undefined;
}

/** Every program sharing a Redis database must be pointed at the same one. Values are never shown: URLs carry passwords. */
export function checkSharedRedis(sources: DeploySources, users: RedisUser[]): string[] {
  const problems: string[] = [];
  for (const { what, readers } of SHARED_REDIS) {
    let first: { where: string; setting: string; origin: string } | undefined;
    for (const user of users) {
      const settings = (readers[user.program] ?? []).filter((s) => sources.programs[user.program].env.has(s));
      if (settings.length === 0) continue;
      const setting = settings.find((s) => user.origin(s) !== undefined) ?? settings[settings.length - 1];
      const origin = user.origin(setting) ?? '(unset)';
      if (!first) first = { where: user.where, setting, origin };
      else if (origin !== first.origin) problems.push(`${user.where}: ${what} are not where ${first.where} has them: its ${setting} differs from that one's ${first.setting}`);
    }
  }
  return problems;
}

/** `host:port` of an upstream setting; undefined when it is not of that form. */
export function hostPort(value: string): { host: string; port: number } | undefined {
  const m = /^([A-Za-z0-9.-]+):(\d+)$/.exec(value);
  return m ? { host: m[1], port: Number(m[2]) } : undefined;
}

/** Settings whose value names another service, and the program that service must run. */
export const UPSTREAMS: Record<string, Program> = { GATEWAY_CORE_UPSTREAM: 'core', GATEWAY_REGISTRY_UPSTREAM: 'registry' };

/** The registry's X-Accel-Redirect prefix must be the gateway's internal location. */
export function checkAccelPrefix(sources: DeploySources, value: string | undefined, where: string): string[] {
  if (value === undefined) return [];
  const expected = sources.gateway.accelPrefix;
  if (!expected) return [`${where}: REGISTRY_ACCEL_PREFIX is set, but the gateway renderer's ACCEL_PREFIX was not found`];
  return value === expected ? [] : [`${where}: REGISTRY_ACCEL_PREFIX is ${value}, but the gateway serves blobs at ${expected}`];
}
