#!/usr/bin/env node
// Builds the web console (apps/portal) with Vite into dist/apps/portal: index.html plus hashed
// files under assets/. `--if-stale` skips the build when no source (nor this script, nor the lock
// file) is newer than the last one. Builds started at the same time (installations and tests
// sharing one checkout) take turns, and each build appears whole: it is written beside the
// output directory and moved into place.
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { constants, gzipSync } from 'node:zlib';

const root = resolve(import.meta.dirname, '..');
const portal = join(root, 'apps/portal');
const outDir = process.env.PORTAL_OUT_DIR ? resolve(process.env.PORTAL_OUT_DIR) : join(root, 'dist/apps/portal');
const marker = join(outDir, 'index.html');
const lock = `${outDir}.lock`;
/** A lock older than this was left by a build that died. */
const STALE_LOCK_MS = 5 * 60_000;

function newest(dir) {
  let latest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.name === 'node_modules' || entry.name === 'e2e') continue;
    const p = join(dir, entry.name);
    latest = Math.max(latest, entry.isDirectory() ? newest(p) : statSync(p).mtimeMs);
  }
  return latest;
}

function current() {
  if (!existsSync(marker)) return false;
  const sources = Math.max(newest(portal), statSync(join(root, 'package-lock.json')).mtimeMs, statSync(fileURLToPath(import.meta.url)).mtimeMs);
  return sources <= statSync(marker).mtimeMs;
}

/**
 * Each compressible file gets a .gz beside it at zlib's best level, which the gateway sends as it
 * is (gzip_static): smaller than nginx's on-the-fly level, and no compression per request.
 */
function precompress(dir) {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, entry.name);
    if (entry.isDirectory()) {
      precompress(p);
    } else if (/\.(js|mjs|css|html|json|svg|txt)$/.test(entry.name)) {
      const raw = readFileSync(p);
      const gz = gzipSync(raw, { level: constants.Z_BEST_COMPRESSION, memLevel: 9 });
      if (raw.length >= 256 && gz.length < raw.length) writeFileSync(`${p}.gz`, gz);
    }
  }
}

async function takeLock() {
  mkdirSync(dirname(lock), { recursive: true });
  for (;;) {
    try {
      mkdirSync(lock);
      return;
    } catch (err) {
      if (err.code !== 'EEXIST') throw err;
    }
    try {
      if (Date.now() - statSync(lock).mtimeMs > STALE_LOCK_MS) rmSync(lock, { recursive: true, force: true });
    } catch {
      // released meanwhile
    }
    await new Promise((r) => setTimeout(r, 200));
  }
}

const ifStale = process.argv.includes('--if-stale');
if (ifStale && current()) process.exit(0);

await takeLock();
try {
  // Another build may have finished while this one waited for its turn.
  if (!(ifStale && current())) {
    // Loaded only when building: install.sh runs this on every start.
    const { build } = await import('vite');
    const { portalConfig } = await import('../apps/portal/vite.config.mjs');
    const started = Date.now();
    const staging = `${outDir}.build-${process.pid}`;
    const previous = `${outDir}.old-${process.pid}`;
    rmSync(staging, { recursive: true, force: true });
    try {
      await build({ ...portalConfig({ outDir: staging }), configFile: false });
      precompress(staging);
      if (existsSync(outDir)) renameSync(outDir, previous);
      renameSync(staging, outDir);
    } finally {
      rmSync(staging, { recursive: true, force: true });
      rmSync(previous, { recursive: true, force: true });
    }
    console.log(`built the web console into ${outDir} in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  }
} finally {
  rmSync(lock, { recursive: true, force: true });
}
