import { posix } from 'node:path';
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
  serves,
  splitImage,
  UPSTREAMS,
} from './containers';
import type { DeploySources, Program } from './deploy-sources';
import {
  type Container,
  type DeploymentSpec,
  type IngressSpec,
  type KubeObject,
  type Labels,
  type Manifest,
  nameOf,
  type PodDisruptionBudgetSpec,
  type Probe,
  type ServiceSpec,
  type Volume,
} from './kubernetes-types';

/**
 * Consistency of deploy/kubernetes: every reference between objects resolves (selectors, ports,
 * ConfigMaps, Secrets, claims, images), every container gets only settings its program reads,
 * probes hit routes the programs serve, the registry's claim is shared by the registry, the
 * gateway (read-only) and the jobservice (writable), programs that share a Redis database are
 * given the same one, and the kustomization lists every file.
 */

/** The scaled-out setup runs at least this many pods of each of Wharf's programs that serve requests. */
export const MIN_REPLICAS = 2;
/** Settings that name a file the container must have mounted. */
const FILE_SETTINGS = ['TOKEN_PRIVATE_KEY', 'TOKEN_PUBLIC_KEY', 'GATEWAY_CERTIFICATE', 'GATEWAY_PRIVATE_KEY'];

class Index {
  private readonly byKind = new Map<string, Map<string, Manifest>>();
  readonly problems: string[] = [];

  constructor(readonly manifests: Manifest[]) {
    for (const m of manifests) {
      const { kind, metadata, apiVersion } = m.object;
      if (!apiVersion || !kind || !metadata?.name) {
        this.problems.push(`${nameOf(m)}: needs apiVersion, kind and metadata.name`);
        continue;
      }
      const names = this.byKind.get(kind) ?? new Map<string, Manifest>();
      if (names.has(metadata.name)) this.problems.push(`${nameOf(m)}: defined twice`);
      names.set(metadata.name, m);
      this.byKind.set(kind, names);
    }
  }

  get(kind: string, name: string | undefined): Manifest | undefined {
    return name === undefined ? undefined : this.byKind.get(kind)?.get(name);
  }

  all(kind: string): Manifest[] {
    return [...(this.byKind.get(kind)?.values() ?? [])];
  }
}

function keysOf(object: KubeObject): Set<string> {
  return new Set([...Object.keys(object.data ?? {}), ...Object.keys(object.stringData ?? {})]);
}

function valueOf(object: KubeObject, key: string): string | undefined {
  return object.stringData?.[key] ?? object.data?.[key];
}

function selects(selector: Labels | undefined, labels: Labels | undefined): boolean {
  if (!selector || Object.keys(selector).length === 0) return false;
  return Object.entries(selector).every(([k, v]) => labels?.[k] === v);
}

function deploymentSpec(m: Manifest): DeploymentSpec {
  return (m.object.spec ?? {}) as DeploymentSpec;
}

function containersOf(m: Manifest): Container[] {
  const pod = deploymentSpec(m).template?.spec;
  return [...(pod?.initContainers ?? []), ...(pod?.containers ?? [])];
}

/** Deployments whose pods a selector picks. */
function selected(index: Index, selector: Labels | undefined): Manifest[] {
  return index.all('Deployment').filter((d) => selects(selector, deploymentSpec(d).template?.metadata?.labels));
}

function hasPort(container: Container, port: number | string): boolean {
  return (container.ports ?? []).some((p) => (typeof port === 'number' ? p.containerPort === port : p.name === port));
}

/** A container's environment: names, and the values that are known (literals and ConfigMap entries). */
function environment(index: Index, container: Container, where: string, problems: string[]): Map<string, string | undefined> {
  const env = new Map<string, string | undefined>();
  for (const source of container.envFrom ?? []) {
    const ref = source.configMapRef ?? source.secretRef;
    const kind = source.configMapRef ? 'ConfigMap' : 'Secret';
    const target = index.get(kind, ref?.name);
    if (!target) {
      if (!ref?.optional) problems.push(`${where}: envFrom ${kind} ${ref?.name ?? '?'} does not exist`);
      continue;
    }
    for (const key of keysOf(target.object)) env.set(`${source.prefix ?? ''}${key}`, kind === 'ConfigMap' ? valueOf(target.object, key) : undefined);
  }
  for (const variable of container.env ?? []) {
    const ref = variable.valueFrom?.configMapKeyRef ?? variable.valueFrom?.secretKeyRef;
    if (!ref) {
      env.set(variable.name, variable.value);
      continue;
    }
    const kind = variable.valueFrom?.configMapKeyRef ? 'ConfigMap' : 'Secret';
    const target = index.get(kind, ref.name);
    if (!target) {
      if (!ref.optional) problems.push(`${where}: ${variable.name} refers to ${kind} ${ref.name ?? '?'}, which does not exist`);
    } else if (!ref.key || !keysOf(target.object).has(ref.key)) {
      if (!ref.optional) problems.push(`${where}: ${variable.name} refers to key ${ref.key ?? '?'} of ${kind} ${ref.name}, which has no such key`);
    }
    env.set(variable.name, kind === 'ConfigMap' && target && ref.key ? valueOf(target.object, ref.key) : undefined);
  }
  return env;
}

/**
 * Where each setting comes from: `value:<literal>` (ConfigMap entries by their value), or
 * `Secret <name>/<key>` (whose values are not known here). Explicit env wins over envFrom.
 */
function origins(index: Index, container: Container): Map<string, string> {
  const found = new Map<string, string>();
  for (const source of container.envFrom ?? []) {
    const ref = source.configMapRef ?? source.secretRef;
    const kind = source.configMapRef ? 'ConfigMap' : 'Secret';
    const target = index.get(kind, ref?.name);
    if (!target) continue;
    for (const key of keysOf(target.object)) {
      found.set(`${source.prefix ?? ''}${key}`, kind === 'ConfigMap' ? `value:${valueOf(target.object, key) ?? ''}` : `Secret ${ref?.name ?? ''}/${key}`);
    }
  }
  for (const variable of container.env ?? []) {
    const configMap = variable.valueFrom?.configMapKeyRef;
    const secret = variable.valueFrom?.secretKeyRef;
    if (secret) found.set(variable.name, `Secret ${secret.name ?? ''}/${secret.key ?? ''}`);
    else if (configMap) {
      const target = index.get('ConfigMap', configMap.name);
      found.set(variable.name, `value:${(target && configMap.key ? valueOf(target.object, configMap.key) : undefined) ?? ''}`);
    } else found.set(variable.name, `value:${variable.value ?? ''}`);
  }
  return found;
}

function checkVolumes(index: Index, volumes: Volume[], where: string): string[] {
  const problems: string[] = [];
  for (const v of volumes) {
    const source = v.secret
      ? { kind: 'Secret', name: v.secret.secretName, items: v.secret.items, optional: v.secret.optional }
      : v.configMap
        ? { kind: 'ConfigMap', name: v.configMap.name, items: v.configMap.items, optional: v.configMap.optional }
        : undefined;
    if (source) {
      const target = index.get(source.kind, source.name);
      if (!target) {
        if (!source.optional) problems.push(`${where}: volume ${v.name} refers to ${source.kind} ${source.name ?? '?'}, which does not exist`);
      } else {
        const keys = keysOf(target.object);
        for (const item of source.items ?? []) {
          if (!keys.has(item.key)) problems.push(`${where}: volume ${v.name} takes key ${item.key} of ${source.kind} ${source.name}, which has no such key`);
        }
      }
    }
    if (v.persistentVolumeClaim && !index.get('PersistentVolumeClaim', v.persistentVolumeClaim.claimName)) {
      problems.push(`${where}: volume ${v.name} claims ${v.persistentVolumeClaim.claimName ?? '?'}, which no PersistentVolumeClaim defines`);
    }
  }
  return problems;
}

/** Files a mounted Secret or ConfigMap volume puts in the container. */
function mountedFiles(index: Index, container: Container, volumes: Volume[]): Set<string> {
  const files = new Set<string>();
  for (const mount of container.volumeMounts ?? []) {
    const v = volumes.find((x) => x.name === mount.name);
    const ref = v?.secret ? index.get('Secret', v.secret.secretName) : v?.configMap ? index.get('ConfigMap', v.configMap.name) : undefined;
    if (!v || !ref) continue;
    const items = v.secret?.items ?? v.configMap?.items ?? [...keysOf(ref.object)].map((key) => ({ key, path: key }));
    for (const item of items) files.add(posix.join(mount.mountPath, item.path));
  }
  return files;
}

function probes(container: Container): [string, Probe][] {
  return (['readinessProbe', 'livenessProbe', 'startupProbe'] as const).flatMap((k) => (container[k] ? [[k, container[k]] as [string, Probe]] : []));
}

/** Where a path is mounted from: the claim of a PersistentVolumeClaim volume, with its mount. */
function claimAt(container: Container, volumes: Volume[], path: string): { claim?: string; readOnly: boolean } | undefined {
  const mount = (container.volumeMounts ?? [])
    .filter((m) => path === m.mountPath || path.startsWith(`${m.mountPath.replace(/\/+$/, '')}/`))
    .sort((a, b) => b.mountPath.length - a.mountPath.length)[0];
  if (!mount) return undefined;
  const volume = volumes.find((v) => v.name === mount.name);
  return { claim: volume?.persistentVolumeClaim?.claimName, readOnly: mount.readOnly === true || volume?.persistentVolumeClaim?.readOnly === true };
}

interface RunningContainer {
  deployment: Manifest;
  container: Container;
  program?: Program;
  argv: string[];
  env: Map<string, string | undefined>;
  /** Where each setting's value comes from, comparable between containers. */
  origins: Map<string, string>;
  volumes: Volume[];
  where: string;
}

/** Every Deployment's containers with their program and environment, resolved once. */
class Workloads {
  private readonly runs = new Map<Manifest, RunningContainer[]>();
  readonly problems: string[] = [];

  constructor(sources: DeploySources, index: Index) {
    for (const deployment of index.all('Deployment')) {
      const volumes = deploymentSpec(deployment).template?.spec?.volumes ?? [];
      this.runs.set(
        deployment,
        containersOf(deployment).map((container) => {
          const where = `${nameOf(deployment)} container ${container.name}`;
          const argv = effectiveArgv(container.image ? builtImage(sources, container.image) : undefined, container.command, container.args);
          const program = programOf(sources, container.image, argv);
          const env = environment(index, container, where, this.problems);
          return { deployment, container, ...(program ? { program } : {}), argv, env, origins: origins(index, container), volumes, where };
        }),
      );
    }
  }

  of(deployment: Manifest): RunningContainer[] {
    return this.runs.get(deployment) ?? [];
  }

  all(): RunningContainer[] {
    return [...this.runs.values()].flat();
  }
}

/** The gateway's upstream settings must name a Service port whose pods run the right program. */
function checkUpstreams(index: Index, workloads: Workloads, env: Map<string, string | undefined>, where: string): string[] {
  const problems: string[] = [];
  for (const [setting, wanted] of Object.entries(UPSTREAMS)) {
    const value = env.get(setting);
    if (value === undefined) continue;
    const target = hostPort(value);
    const service = index.get('Service', target?.host);
    const spec = (service?.object.spec ?? {}) as ServiceSpec;
    if (!target || !service) problems.push(`${where}: ${setting}=${value} names no Service`);
    else if (!(spec.ports ?? []).some((p) => p.port === target.port)) problems.push(`${where}: ${setting}=${value}, but Service ${target.host} has no port ${target.port}`);
    else if (!selected(index, spec.selector).some((d) => workloads.of(d).some((c) => c.program === wanted))) {
      problems.push(`${where}: ${setting}=${value}, but Service ${target.host} does not select ${wanted} pods`);
    }
  }
  return problems;
}

/** The claims the registries' DATA_DIRs are on. */
function registryClaims(workloads: Workloads): Set<string> {
  const claims = new Set<string>();
  for (const r of workloads.all()) {
    const dir = r.program === 'registry' ? r.env.get('DATA_DIR') : undefined;
    const claim = dir === undefined ? undefined : claimAt(r.container, r.volumes, dir)?.claim;
    if (claim) claims.add(claim);
  }
  return claims;
}

/**
 * Registry replicas share their DATA_DIR through one claim, and the gateway reads blobs from that
 * same claim, read-only.
 */
function checkSharedStorage(workloads: Workloads, run: RunningContainer): string[] {
  const { container, program, env, volumes, where } = run;
  const problems: string[] = [];
  if (program === 'registry') {
    const dataDir = env.get('DATA_DIR');
    const at = dataDir === undefined ? undefined : claimAt(container, volumes, dataDir);
    const replicas = deploymentSpec(run.deployment).replicas ?? 1;
    if (replicas > 1 && !at?.claim) problems.push(`${where}: DATA_DIR must be on a PersistentVolumeClaim shared by all ${replicas} replicas`);
  }
  if (program === 'jobservice') {
    // Garbage collection deletes from the registry's storage.
    const dataDir = env.get('DATA_DIR');
    const at = dataDir === undefined ? undefined : claimAt(container, volumes, dataDir);
    if (!at?.claim) problems.push(`${where}: DATA_DIR=${dataDir ?? '(unset)'} is not on a mounted PersistentVolumeClaim; it must be the registry's storage`);
    else {
      if (at.readOnly) problems.push(`${where}: the registry storage must be mounted writable in the jobservice`);
      if (!registryClaims(workloads).has(at.claim)) problems.push(`${where}: DATA_DIR is on claim ${at.claim}, but no registry has its DATA_DIR there`);
    }
  }
  if (program === 'gateway') {
    const blobRoot = env.get('GATEWAY_BLOB_ROOT');
    const at = blobRoot === undefined ? undefined : claimAt(container, volumes, blobRoot);
    if (!at?.claim) problems.push(`${where}: GATEWAY_BLOB_ROOT=${blobRoot ?? '(unset)'} is not on a mounted PersistentVolumeClaim`);
    else {
      if (!at.readOnly) problems.push(`${where}: the registry storage must be mounted read-only in the gateway`);
      if (!registryClaims(workloads).has(at.claim)) problems.push(`${where}: GATEWAY_BLOB_ROOT is on claim ${at.claim}, but no registry has its DATA_DIR there`);
    }
  }
  return problems;
}

function checkContainer(sources: DeploySources, index: Index, workloads: Workloads, run: RunningContainer): string[] {
  const { container, program, env, volumes, where } = run;
  const problems: string[] = [];
  problems.push(...checkEnvNames(sources, program, env.keys(), where));
  for (const mount of container.volumeMounts ?? []) {
    const volume = volumes.find((v) => v.name === mount.name);
    if (!volume) problems.push(`${where}: mounts volume ${mount.name}, which the pod does not define`);
    else if (volume.persistentVolumeClaim?.readOnly && !mount.readOnly) problems.push(`${where}: mounts read-only claim ${mount.name} without readOnly`);
  }
  for (const [kind, probe] of probes(container)) {
    const port = probe.httpGet?.port ?? probe.tcpSocket?.port;
    if (port !== undefined && !hasPort(container, port)) problems.push(`${where}: ${kind} uses port ${port}, which the container does not declare`);
    if (probe.httpGet) problems.push(...checkProbePath(sources, program, probe.httpGet.path ?? '/', `${where}: ${kind}`));
  }
  if (!program) return problems;

  if (serves(program) && (!container.readinessProbe || !container.livenessProbe)) problems.push(`${where}: needs a readiness and a liveness probe`);
  if (!container.resources?.requests) problems.push(`${where}: needs resource requests`);
  const listen = listenPort(program, env);
  if (listen !== undefined && !hasPort(container, Number(listen))) problems.push(`${where}: listens on ${PORT_VARIABLE[program]}=${listen}, which is not a declared containerPort`);
  for (const name of FILE_SETTINGS) {
    const path = env.get(name);
    // Values from Secrets are not known here; only literal and ConfigMap paths are checked.
    if (path !== undefined && !mountedFiles(index, container, volumes).has(path)) problems.push(`${where}: ${name}=${path} is no file a mounted Secret or ConfigMap provides`);
  }
  problems.push(...checkAccelPrefix(sources, env.get('REGISTRY_ACCEL_PREFIX'), where));
  problems.push(...checkUpstreams(index, workloads, env, where));
  problems.push(...checkSharedStorage(workloads, run));
  return problems;
}

function checkDeployment(sources: DeploySources, index: Index, workloads: Workloads, d: Manifest): string[] {
  const problems: string[] = [];
  const spec = deploymentSpec(d);
  const where = nameOf(d);
  if (!selects(spec.selector?.matchLabels, spec.template?.metadata?.labels)) problems.push(`${where}: selector.matchLabels must be non-empty and match the pod template's labels`);
  problems.push(...checkVolumes(index, spec.template?.spec?.volumes ?? [], where));
  const runs = workloads.of(d);
  if (runs.some((r) => r.program && serves(r.program)) && (spec.replicas ?? 1) < MIN_REPLICAS) problems.push(`${where}: runs ${spec.replicas ?? 1} replica(s); the scaled-out setup needs ${MIN_REPLICAS} or more`);
  for (const run of runs) {
    problems.push(...checkImage(sources, run.container.image, run.where));
    problems.push(...checkCommand(sources, run.container.image, run.argv, run.where));
    problems.push(...checkContainer(sources, index, workloads, run));
  }
  return problems;
}

function checkService(index: Index, s: Manifest): string[] {
  const spec = (s.object.spec ?? {}) as ServiceSpec;
  const where = nameOf(s);
  const targets = selected(index, spec.selector);
  if (targets.length === 0) return [`${where}: selector ${JSON.stringify(spec.selector ?? {})} matches no Deployment's pods`];
  const problems: string[] = [];
  for (const port of spec.ports ?? []) {
    const target = port.targetPort ?? port.port;
    if (target === undefined) continue;
    for (const d of targets) {
      if (!containersOf(d).some((c) => hasPort(c, target))) problems.push(`${where}: targetPort ${target} is no port of ${nameOf(d)}'s containers`);
    }
  }
  return problems;
}

function checkIngress(index: Index, ing: Manifest): string[] {
  const spec = (ing.object.spec ?? {}) as IngressSpec;
  const where = nameOf(ing);
  const problems: string[] = [];
  const backends = [spec.defaultBackend, ...(spec.rules ?? []).flatMap((r) => (r.http?.paths ?? []).map((p) => p.backend))];
  for (const backend of backends) {
    if (!backend?.service) continue;
    const service = index.get('Service', backend.service.name);
    if (!service) {
      problems.push(`${where}: backend Service ${backend.service.name ?? '?'} does not exist`);
      continue;
    }
    const ports = ((service.object.spec ?? {}) as ServiceSpec).ports ?? [];
    const want = backend.service.port;
    if (!ports.some((p) => (want?.name !== undefined ? p.name === want.name : p.port === want?.number))) {
      problems.push(`${where}: backend port ${want?.name ?? want?.number ?? '?'} is no port of Service ${backend.service.name}`);
    }
  }
  for (const tls of spec.tls ?? []) {
    const secret = index.get('Secret', tls.secretName);
    if (!secret) problems.push(`${where}: TLS Secret ${tls.secretName ?? '?'} does not exist`);
    else if (!['tls.crt', 'tls.key'].every((k) => keysOf(secret.object).has(k))) problems.push(`${where}: TLS Secret ${tls.secretName} needs tls.crt and tls.key`);
  }
  return problems;
}

/** EXTERNAL_URL, the gateway's host name and the Ingress must all name the same host. */
function checkHostnames(index: Index): string[] {
  const named: [string, string][] = [];
  for (const cm of index.all('ConfigMap')) {
    const url = valueOf(cm.object, 'EXTERNAL_URL');
    if (url) named.push([`${nameOf(cm)} EXTERNAL_URL`, new URL(url).hostname]);
    const host = valueOf(cm.object, 'GATEWAY_HOSTNAME');
    if (host) named.push([`${nameOf(cm)} GATEWAY_HOSTNAME`, host]);
  }
  for (const ing of index.all('Ingress')) {
    const spec = (ing.object.spec ?? {}) as IngressSpec;
    for (const rule of spec.rules ?? []) if (rule.host) named.push([`${nameOf(ing)} rule host`, rule.host]);
    for (const tls of spec.tls ?? []) for (const host of tls.hosts ?? []) named.push([`${nameOf(ing)} TLS host`, host]);
  }
  const hosts = new Set(named.map(([, h]) => h));
  return hosts.size > 1 ? [`the host name differs between ${named.map(([w, h]) => `${w} (${h})`).join(', ')}`] : [];
}

function checkKustomization(sources: DeploySources): string[] {
  const { files, kustomization, manifests } = sources.kubernetes;
  const listed = kustomization.resources ?? [];
  const problems = [
    ...files.filter((f) => !listed.includes(f)).map((f) => `kustomization.yaml: ${f} is not listed in resources`),
    ...listed.filter((r) => !files.includes(r)).map((r) => `kustomization.yaml: resource ${r} does not exist`),
  ];
  const used = new Set(manifests.flatMap((m) => containersOf(m).map((c) => (c.image ? splitImage(c.image).name : ''))));
  for (const image of kustomization.images ?? []) {
    if (!image.name || !used.has(image.name)) problems.push(`kustomization.yaml: images entry ${image.name ?? '?'} matches no container image`);
  }
  return problems;
}

export function checkKubernetes(sources: DeploySources): string[] {
  const index = new Index(sources.kubernetes.manifests);
  const workloads = new Workloads(sources, index);
  const problems = [...index.problems, ...workloads.problems, ...checkKustomization(sources)];
  for (const d of index.all('Deployment')) problems.push(...checkDeployment(sources, index, workloads, d));
  for (const s of index.all('Service')) problems.push(...checkService(index, s));
  for (const ing of index.all('Ingress')) problems.push(...checkIngress(index, ing));
  for (const pdb of index.all('PodDisruptionBudget')) {
    const selector = ((pdb.object.spec ?? {}) as PodDisruptionBudgetSpec).selector?.matchLabels;
    if (selected(index, selector).length === 0) problems.push(`${nameOf(pdb)}: selector matches no Deployment's pods`);
  }
  problems.push(...checkHostnames(index));
  const redisUsers = workloads.all().flatMap((r) => (r.program ? [{ program: r.program, where: r.where, origin: (setting: string) => r.origins.get(setting) }] : []));
  problems.push(...checkSharedRedis(sources, redisUsers));
  return problems;
}
