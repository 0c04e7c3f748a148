#!/usr/bin/env node
// `npm start`: builds once, then runs core (API + token service), the registry and the jobservice
// in the foreground, with the registry trusting core's token signing key. Core starts first: it
// creates the database, applies migrations and generates the key on first start. The jobservice
// shares the registry's DATA_DIR (garbage collection cleans that storage). Ctrl-C (or SIGTERM)
// stops all three. This is the development way to run Wharf; install.sh supervises the services.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';

const root = resolve(import.meta.dirname, '..');
const build = spawnSync(process.execPath, [join(root, 'tools/build.mjs')], { stdio: 'inherit' });
if (build.status !== 0) process.exit(build.status ?? 1);

const corePort = process.env.CORE_PORT ?? '8080';
const env = {
  ...process.env,
  CORE_PORT: corePort,
  // Clients are sent to the realm for tokens: it must be an address they can reach.
  EXTERNAL_URL: process.env.EXTERNAL_URL ?? `http://127.0.0.1:${corePort}`,
};
const dataDir = resolve(env.DATA_DIR ?? './data');
const keyPath = resolve(env.TOKEN_PRIVATE_KEY ?? join(dataDir, 'secret', 'core', 'private_key.pem'));

const children = [];
let stopping = false;

function start(name, script) {
  const child = spawn(process.execPath, [join(root, script)], { stdio: 'inherit', env });
  child.on('exit', (code, signal) => {
    if (!stopping) {
      console.error(`[start] ${name} exited (${signal ?? code}); stopping the rest`);
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

start('core', 'dist/apps/core/src/main.js');

// The registry needs core's key, and both it and the jobservice the migrated database.
const deadline = Date.now() + 60_000;
const coreUrl = `http://127.0.0.1:${corePort}/api/v2.0/ping`;
for (;;) {
  if (stopping) break;
  const ready = existsSync(keyPath) && (await fetch(coreUrl).then((r) => r.ok, () => false));
  if (ready) {
    start('registry', 'dist/apps/registry/src/main.js');
    start('jobservice', 'dist/apps/jobservice/src/main.js');
    console.log(`[start] core on :${corePort} (API, token service), registry on :${env.REGISTRY_PORT ?? 5000}, jobservice`);
    break;
  }
  if (Date.now() > deadline) {
    console.error('[start] core did not become ready within 60 s');
    stop(1);
    break;
  }
  await new Promise((r) => setTimeout(r, 250));
}
