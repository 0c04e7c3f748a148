#!/usr/bin/env node
// Builds the web console (apps/portal) with Vite into dist/apps/portal: index.html plus hashed
// files under assets/. `--if-stale` skips the build when no source (nor this script, nor the lock
// file) is newer than the last one.
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { constants, gzipSync } from 'node:zlib';

const root = resolve(import.meta.dirname, '..');
const portal = join(root, 'apps/portal');
const outDir = process.env.PORTAL_OUT_DIR ? resolve(process.env.PORTAL_OUT_DIR) : join(root, 'dist/apps/portal');
const marker = join(outDir, 'index.html');

function newest(dir) {
  let latest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.name === 'node_modules' || entry.name === 'e2e') continue;
    const p = join(dir, entry.name);
    latest = Math.max(latest, entry.isDirectory() ? newest(p) : statSync(p).mtimeMs);
  }
  return latest;
}

if (process.argv.includes('--if-stale') && existsSync(marker)) {
  const sources = Math.max(newest(portal), statSync(join(root, 'package-lock.json')).mtimeMs, statSync(fileURLToPath(import.meta.url)).mtimeMs);
  if (sources <= statSync(marker).mtimeMs) process.exit(0);
}

// Loaded only when building: install.sh runs this on every start.
const { build } = await import('vite');
const { portalConfig } = await import('../apps/portal/vite.config.mjs');
/**
 * Each compressible file gets a .gz beside it at zlib's best level, which the gateway sends as it
 * is (gzip_static): smaller than nginx's on-the-fly level, and no compression per request.
 */
function precompress(dir) {
  let count = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, entry.name);
    if (entry.isDirectory()) {
      count += precompress(p);
    } else if (/\.(js|mjs|css|html|json|svg|txt)$/.test(entry.name)) {
      const raw = readFileSync(p);
      const gz = gzipSync(raw, { level: constants.Z_BEST_COMPRESSION, memLevel: 9 });
      if (raw.length >= 256 && gz.length < raw.length) {
        writeFileSync(`${p}.gz`, gz);
        count++;
      }
    }
  }
  return count;
}

const started = Date.now();
await build({ ...portalConfig({ outDir }), configFile: false });
precompress(outDir);
console.log(`built the web console into ${outDir} in ${((Date.now() - started) / 1000).toFixed(1)} s`);
