import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseAllDocuments, parse } from 'yaml';
import { appRoutes } from './app-routes';
import { interpolate, mapStrings, parseEnvFile, stringsIn, variablesIn } from './compose-interpolation';
import type { ComposeFile } from './compose-types';
import { type Dockerfile, dockerignoreMatcher, parseDockerfile } from './dockerfile';
import { envNamesReadBy } from './env-readers';
import type { KubeObject, Kustomization, Manifest } from './kubernetes-types';

/**
 * Everything the deployment checks compare, read from the repository once. Checks take this
 * (not paths), so tests can break one reference in a copy and see the check notice.
 */

export const REPO_ROOT = resolve(__dirname, '../../..');
export const KUBERNETES_DIR = 'deploy/kubernetes';
export const DOCKER_DIR = 'deploy/docker';
/** The main Compose file, then the files layered on it with `-f`. */
export const COMPOSE_FILES = ['docker-compose.yml', 'deploy/compose/https.yml'];
export const COMPOSE_ENV_EXAMPLE = 'deploy/compose/env.example';
export const GATEWAY_RENDER_SCRIPT = 'deploy/docker/gateway/render-config.mjs';
/** Where the image keeps its files (the Dockerfiles' WORKDIR). */
export const IMAGE_HOME = '/opt/wharf';
/** Images built here are `wharf/<name>`, from deploy/docker/<name>.Dockerfile. */
export const IMAGE_NAMESPACE = 'wharf/';
/** Images not built here that the deployment may use. */
export const EXTERNAL_IMAGES = ['postgres', 'redis'];

/** Paths the gateway answers itself with the web console's index.html. */
export const CONSOLE_ROUTES = ['/', '/index.html', '/harbor'];
/** Where tools/build-portal.mjs writes the web console, under its working directory. */
export const PORTAL_BUILD_OUTPUT = 'dist/apps/portal';

export type Program = 'core' | 'registry' | 'gateway' | 'jobservice';

export interface ProgramFacts {
  /** Environment variables the program's configuration reads. */
  env: Set<string>;
  /** GET routes it answers (for the gateway: those it forwards); none for the jobservice. */
  routes: string[];
}

export interface ImageSource {
  /** Repository path of the Dockerfile. */
  file: string;
  dockerfile: Dockerfile;
  /** Whether a build-context path is left out by the Dockerfile's .dockerignore. */
  ignored: (path: string) => boolean;
}

export interface ComposeSource {
  file: string;
  /** Variables interpolated with the documented example values. */
  resolved: ComposeFile;
  variables: string[];
}

export interface DeploySources {
  root: string;
  kubernetes: {
    /** Every .yaml/.yml file in deploy/kubernetes except the kustomization. */
    files: string[];
    manifests: Manifest[];
    kustomization: Kustomization;
  };
  compose: ComposeSource[];
  /** deploy/compose/env.example: the documented Compose variables. */
  composeVariables: Map<string, string>;
  /** Keyed by image name without the namespace (`wharf`, `gateway`). */
  images: Map<string, ImageSource>;
  programs: Record<Program, ProgramFacts>;
  gateway: {
    /** The renderer module the image's render script loads, as an absolute path in the image. */
    rendererInImage?: string;
    /** The internal location nginx serves blobs from (the renderer's ACCEL_PREFIX). */
    accelPrefix?: string;
    /** Where the render script has nginx find the web console's files (GATEWAY_PORTAL_ROOT's default). */
    portalRoot?: string;
  };
}

function read(root: string, path: string): string {
  return readFileSync(join(root, path), 'utf8');
}

function loadKubernetes(root: string): DeploySources['kubernetes'] {
  const dir = join(root, KUBERNETES_DIR);
  const yamlFiles = readdirSync(dir).filter((f) => /\.ya?ml$/.test(f)).sort();
  const kustomizationFile = yamlFiles.find((f) => /^kustomization\.ya?ml$/.test(f));
  if (!kustomizationFile) throw new Error(`${KUBERNETES_DIR} has no kustomization.yaml`);
  const files = yamlFiles.filter((f) => f !== kustomizationFile);
  const manifests: Manifest[] = [];
  for (const file of files) {
    for (const doc of parseAllDocuments(read(root, join(KUBERNETES_DIR, file)))) {
      if (doc.errors.length > 0) throw new Error(`${KUBERNETES_DIR}/${file}: ${doc.errors[0].message}`);
      const object: unknown = doc.toJS();
      if (object === null || object === undefined) continue;
      manifests.push({ file, object: object as KubeObject });
    }
  }
  return { files, manifests, kustomization: parse(read(root, join(KUBERNETES_DIR, kustomizationFile))) as Kustomization };
}

function loadCompose(root: string, example: Map<string, string>): ComposeSource[] {
  return COMPOSE_FILES.map((file) => {
    const raw: unknown = parse(read(root, file));
    const variables = [...new Set(stringsIn(raw).flatMap(variablesIn))].sort();
    const resolved = mapStrings(raw, (s) => interpolate(s, (name) => example.get(name))) as ComposeFile;
    return { file, resolved, variables };
  });
}

function loadImages(root: string): Map<string, ImageSource> {
  const images = new Map<string, ImageSource>();
  for (const entry of readdirSync(join(root, DOCKER_DIR))) {
    const m = /^(.+)\.Dockerfile$/.exec(entry);
    if (!m) continue;
    const file = `${DOCKER_DIR}/${entry}`;
    const ignoreFile = join(root, `${file}.dockerignore`);
    const fallback = join(root, '.dockerignore');
    const ignoreText = existsSync(ignoreFile) ? readFileSync(ignoreFile, 'utf8') : existsSync(fallback) ? readFileSync(fallback, 'utf8') : '';
    images.set(m[1], { file, dockerfile: parseDockerfile(read(root, file)), ignored: dockerignoreMatcher(ignoreText) });
  }
  return images;
}

/** The renderer path in the render script (relative to the script's folder in the image). */
function rendererInImage(root: string): string | undefined {
  const m = /const\s+RENDERER\s*=\s*'([^']+)'/.exec(read(root, GATEWAY_RENDER_SCRIPT));
  return m ? join(IMAGE_HOME, 'gateway', m[1]) : undefined;
}

/** The default of GATEWAY_PORTAL_ROOT in the render script. */
function portalRootOf(root: string): string | undefined {
  return /'GATEWAY_PORTAL_ROOT',\s*'([^']+)'/.exec(read(root, GATEWAY_RENDER_SCRIPT))?.[1];
}

/** The renderer's ACCEL_PREFIX, read from the TypeScript source the image's module is built from. */
function accelPrefixOf(root: string, modulePath: string): string | undefined {
  const source = sourceOfBuilt(modulePath.slice(IMAGE_HOME.length + 1));
  if (!source || !existsSync(join(root, source))) return undefined;
  return /export\s+const\s+ACCEL_PREFIX\s*=\s*'([^']+)'/.exec(read(root, source))?.[1];
}

export function loadDeploySources(root: string = REPO_ROOT): DeploySources {
  const composeVariables = parseEnvFile(read(root, COMPOSE_ENV_EXAMPLE));
  const coreRoutes = appRoutes(join(root, 'apps/core/src'));
  const registryRoutes = appRoutes(join(root, 'apps/registry/src'));
  const renderer = rendererInImage(root);
  const accelPrefix = renderer ? accelPrefixOf(root, renderer) : undefined;
  const portalRoot = portalRootOf(root);
  return {
    root,
    kubernetes: loadKubernetes(root),
    compose: loadCompose(root, composeVariables),
    composeVariables,
    images: loadImages(root),
    programs: {
      core: { env: envNamesReadBy(join(root, 'apps/core/src/config.ts')), routes: coreRoutes },
      registry: { env: envNamesReadBy(join(root, 'apps/registry/src/config.ts')), routes: registryRoutes },
      gateway: {
        env: envNamesReadBy(join(root, GATEWAY_RENDER_SCRIPT)),
        // The gateway forwards /v2/ to the registry, serves the web console's index.html at /
        // (and its pages under /harbor/), and forwards everything else to core.
        routes: [...registryRoutes.filter((r) => r === '/v2' || r.startsWith('/v2/')), ...CONSOLE_ROUTES, ...coreRoutes],
      },
      jobservice: { env: envNamesReadBy(join(root, 'apps/jobservice/src/config.ts')), routes: [] },
    },
    gateway: { ...(renderer ? { rendererInImage: renderer } : {}), ...(accelPrefix ? { accelPrefix } : {}), ...(portalRoot ? { portalRoot } : {}) },
  };
}

/** `dist/<path>.js` (what tools/build.mjs writes) -> `<path>.ts`; undefined for other paths. */
export function sourceOfBuilt(distPath: string): string | undefined {
  const m = /^(?:\.\/)?dist\/(.+)\.js$/.exec(distPath);
  return m ? `${m[1]}.ts` : undefined;
}
