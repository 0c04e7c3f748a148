#!/usr/bin/env node
// `npm start`: builds once, then runs core (API + token service), the registry, the jobservice and
// the web console's development server in the foreground, with the registry trusting core's token
// signing key. Core starts first: it creates the database, applies migrations and generates the
// key on first start. The jobservice shares the registry's DATA_DIR (garbage collection cleans
// that storage). The console (tools/portal-dev.mjs: Vite on PORTAL_PORT, default 4200) is served
// from apps/portal's sources, reloading on every change, and passes API and registry requests on
// to core and the registry. Ctrl-C (or SIGTERM) stops them all. This is the development way to run
// Wharf; install.sh supervises the services and serves the built console through its gateway.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';

const root = resolve(import.meta.dirname, '..');
const build = spawnSync(process.execPath, [join(root, 'tools/build.mjs')], { stdio: 'inherit' });
if (build.status !== 0) process.exit(build.status ?? 1);

const corePort = process.env.CORE_PORT ?? '8080';
const registryPort = process.env.REGISTRY_PORT ?? '5000';
const portalPort = process.env.PORTAL_PORT ?? '4200';
const env = {
  ...process.env,
  CORE_PORT: corePort,
  // Clients are sent to the realm for tokens: it must be an address they can reach.
  EXTERNAL_URL: process.env.EXTERNAL_URL ?? `http://127.0.0.1:${corePort}`,
};
const portalEnv = {
  ...env,
  PORTAL_PORT: portalPort,
  WHARF_API_URL: `http://127.0.0.1:${corePort}`,
  REGISTRY_URL: `http://127.0.0.1:${registryPort}`,
};
const dataDir = resolve(env.DATA_DIR ?? './data');
const keyPath = resolve(env.TOKEN_PRIVATE_KEY ?? join(dataDir, 'secret', 'core', 'private_key.pem'));

const children = [];
let stopping = false;

function start(name, script, childEnv = env, hint = '') {
  const child = spawn(process.execPath, [join(root, script)], { stdio: 'inherit', env: childEnv });
  child.on('exit', (code, signal) => {
    if (!stopping) {
      console.error(`[start] ${name} exited (${signal ?? code}); stopping the rest${hint}`);
      stop(1);
    }
  });
  children.push(child);
  return child;
}

function stop(code) {
  if (stopping) return;
  stopping = true;
  for (const child of children) if (child.exitCode === null) child.kill('SIGTERM');
  setTimeout(() => process.exit(code), 12_000).unref();
  Promise.all(children.map((c) => (c.exitCode !== null ? undefined : new Promise((r) => c.on('exit', r))))).then(() => process.exit(code));
}

process.on('SIGINT', () => stop(0));
process.on('SIGTERM', () => stop(0));

// Core reads artifacts' manifests and configs from the registry's storage (extra_attrs, additions).
start('core', 'dist/apps/core/src/main.js', { ...env, REGISTRY_STORAGE_DIR: env.REGISTRY_STORAGE_DIR ?? dataDir });

// The registry needs core's key, and both it and the jobservice the migrated database.
const deadline = Date.now() + 60_000;
const coreUrl = `http://127.0.0.1:${corePort}/api/v2.0/ping`;
for (;;) {
  if (stopping) break;
  const ready = existsSync(keyPath) && (await fetch(coreUrl).then((r) => r.ok, () => false));
  if (ready) {
    start('registry', 'dist/apps/registry/src/main.js');
    start('jobservice', 'dist/apps/jobservice/src/main.js');
    start('console', 'tools/portal-dev.mjs', portalEnv, ` (PORTAL_PORT chooses another port than ${portalPort})`);
    console.log(`[start] core on :${corePort} (API, token service), registry on :${registryPort}, jobservice`);
    console.log(`[start] web console: http://127.0.0.1:${portalPort}/ (sign in as admin)`);
    break;
  }
  if (Date.now() > deadline) {
    console.error('[start] core did not become ready within 60 s');
    stop(1);
    break;
  }
  await new Promise((r) => setTimeout(r, 250));
}
