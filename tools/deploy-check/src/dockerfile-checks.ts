import { existsSync, readFileSync } from 'node:fs';
import { join, posix, relative } from 'node:path';
import { routeMatches } from './app-routes';
import { checkCommand, effectiveArgv, programOf } from './containers';
import { type DeploySources, GATEWAY_RENDER_SCRIPT, IMAGE_HOME, IMAGE_NAMESPACE, PORTAL_BUILD_OUTPUT, sourceOfBuilt } from './deploy-sources';
import { type Dockerfile, finalStage, stageProvides } from './dockerfile';
import { moduleClosure } from './module-graph';

/**
 * Consistency of deploy/docker: COPY sources exist in the repository and are not left out of
 * the build context, `--from` names an earlier stage, images run as a non-root user, their
 * commands and health checks use files the image has and routes the programs serve, and the
 * gateway image carries the renderer its start script loads and the web console it serves.
 */

function checkImageSource(sources: DeploySources, name: string): string[] {
  const image = sources.images.get(name);
  if (!image) return [];
  const { file, dockerfile, ignored } = image;
  const problems: string[] = [];
  dockerfile.stages.forEach((stage, i) => {
    const earlier = new Set(dockerfile.stages.slice(0, i).flatMap((s) => (s.name ? [s.name] : [])));
    for (const copy of stage.copies) {
      if (copy.from !== undefined) {
        if (!earlier.has(copy.from) && !/^\d+$/.test(copy.from) && !copy.from.includes(':')) problems.push(`${file}:${copy.line}: COPY --from=${copy.from} names no earlier stage`);
        continue;
      }
      for (const source of copy.sources) {
        if (!existsSync(join(sources.root, source))) problems.push(`${file}:${copy.line}: COPY source ${source} does not exist in the repository`);
        else if (ignored(source)) problems.push(`${file}:${copy.line}: COPY source ${source} is excluded from the build context by .dockerignore`);
      }
    }
  });
  const last = finalStage(dockerfile);
  if (!last.user || /^(root|0)(:|$)/.test(last.user)) problems.push(`${file}: the image must run as a non-root USER`);

  const imageRef = `${IMAGE_NAMESPACE}${name}:check`;
  const argv = effectiveArgv(image, undefined, undefined);
  if (argv.length === 0) problems.push(`${file}: has neither ENTRYPOINT nor CMD`);
  problems.push(...checkCommand(sources, imageRef, argv, file));
  const program = programOf(sources, imageRef, argv);
  if (!last.healthcheck) problems.push(`${file}: needs a HEALTHCHECK`);
  else {
    problems.push(...checkCommand(sources, imageRef, last.healthcheck, `${file} HEALTHCHECK`));
    for (const arg of last.healthcheck) {
      const m = /^https?:\/\/[^/]+(\/\S*)$/.exec(arg);
      if (m && program && !routeMatches(sources.programs[program].routes, m[1])) problems.push(`${file}: HEALTHCHECK path ${m[1]} is not a GET route ${program} serves`);
    }
  }
  return problems;
}

/** The module the gateway's start script loads must be copied into the image and built from a real source. */
function checkGatewayRenderer(sources: DeploySources): string[] {
  const gateway = sources.images.get('gateway');
  if (!gateway) return [];
  const module = sources.gateway.rendererInImage;
  if (!module) return ['deploy/docker/gateway/render-config.mjs: no RENDERER path found'];
  const problems: string[] = [];
  if (!stageProvides(finalStage(gateway.dockerfile), module)) problems.push(`${gateway.file}: does not copy the renderer ${module} into the image`);
  const source = sourceOfBuilt(module.replace(/^\/opt\/wharf\//, ''));
  if (!source || !existsSync(join(sources.root, source))) problems.push(`${gateway.file}: the renderer ${module} has no source ${source ?? '(not under dist/)'}`);
  else {
    if (!/export\s+function\s+renderNginxConfig\b/.test(readFileSync(join(sources.root, source), 'utf8'))) problems.push(`${source}: exports no renderNginxConfig`);
    problems.push(...checkRendererBuild(sources, gateway.file, gateway.dockerfile, source));
  }
  if (!sources.gateway.accelPrefix) problems.push(`${source ?? 'the renderer'}: exports no ACCEL_PREFIX`);
  return problems;
}

/**
 * The gateway image builds the renderer from the folders its build stage copies and ships no
 * node_modules: everything the renderer loads must be among those files, and no package.
 */
function checkRendererBuild(sources: DeploySources, file: string, dockerfile: Dockerfile, source: string): string[] {
  const copied = dockerfile.stages.slice(0, -1).flatMap((stage) => stage.copies.filter((c) => c.from === undefined).flatMap((c) => c.sources));
  const closure = moduleClosure(join(sources.root, source));
  const problems = closure.unresolved.map((u) => `${source}: import ${u} resolves to no file`);
  for (const f of closure.files) {
    const path = relative(sources.root, f);
    if (!copied.some((c) => path === c || path.startsWith(`${c.replace(/\/+$/, '')}/`))) problems.push(`${file}: the renderer needs ${path}, which the build stage does not copy`);
  }
  for (const pkg of closure.packages) problems.push(`${file}: the renderer loads package ${pkg}, which the gateway image does not install`);
  return problems;
}

/**
 * The gateway image carries the web console where its render script has nginx serve it: copied
 * by the final stage from an earlier stage that copies apps/portal and tools/build-portal.mjs
 * from the build context, runs the build, and so has the console in <WORKDIR>/dist/apps/portal.
 */
function checkGatewayConsole(sources: DeploySources): string[] {
  const gateway = sources.images.get('gateway');
  if (!gateway) return [];
  const root = sources.gateway.portalRoot;
  if (!root) return [`${GATEWAY_RENDER_SCRIPT}: GATEWAY_PORTAL_ROOT has no default: the gateway would serve no web console`];
  const { file, dockerfile } = gateway;
  const copy = finalStage(dockerfile).copies.find((c) => c.dest === root);
  if (!copy) return [`${file}: does not copy the web console to ${root}, where the gateway serves it`];
  const built = dockerfile.stages.slice(0, -1).find((stage) => stage.name !== undefined && stage.name === copy.from);
  if (!built) return [`${file}:${copy.line}: the web console at ${root} must be copied from the stage that builds it`];
  const problems: string[] = [];
  const output = posix.join(built.workdir, PORTAL_BUILD_OUTPUT);
  if (!copy.sources.includes(output)) problems.push(`${file}:${copy.line}: copies ${copy.sources.join(' ')} to ${root}, but tools/build-portal.mjs writes the console to ${output}`);
  if (!built.runs.some((run) => /\btools\/build-portal\.mjs\b/.test(run))) problems.push(`${file}: stage ${built.name} does not run tools/build-portal.mjs`);
  for (const needed of ['apps/portal', 'tools/build-portal.mjs']) {
    if (!built.copies.some((c) => c.from === undefined && c.sources.includes(needed))) problems.push(`${file}: stage ${built.name} builds the web console without copying ${needed}`);
  }
  return problems;
}

/** Paths under the image's home named in shell or Node scripts copied into it must be in the image. */
function checkScriptPaths(sources: DeploySources, name: string): string[] {
  const image = sources.images.get(name);
  if (!image) return [];
  const stage = finalStage(image.dockerfile);
  const problems: string[] = [];
  for (const copy of stage.copies) {
    if (copy.from !== undefined) continue;
    for (const script of copy.sources.filter((s) => /\.(?:sh|mjs)$/.test(s))) {
      const path = join(sources.root, script);
      if (!existsSync(path)) continue;
      for (const m of readFileSync(path, 'utf8').matchAll(new RegExp(`${IMAGE_HOME}/[\\w./-]+`, 'g'))) {
        // A folder (written with a trailing slash) counts when something is copied into it.
        const named = m[0].replace(/[./]+$/, '');
        const provided = stageProvides(stage, named) || stage.copies.some((c) => c.dest.startsWith(`${named}/`));
        if (!provided) problems.push(`${script}: refers to ${named}, which ${image.file} does not copy into the image`);
      }
    }
  }
  return problems;
}

export function checkDockerfiles(sources: DeploySources): string[] {
  const names = [...sources.images.keys()];
  return [...names.flatMap((name) => [...checkImageSource(sources, name), ...checkScriptPaths(sources, name)]), ...checkGatewayRenderer(sources), ...checkGatewayConsole(sources)];
}
