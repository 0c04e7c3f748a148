import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const REPO = resolve(__dirname, '../../../../..');

/** The web console built from this checkout by tools/build-portal.mjs into a new temporary directory. */
export function buildPortal(): Promise<string> {
  const outDir = mkdtempSync(join(tmpdir(), 'wharf-portal-'));
  return new Promise((resolvePromise, reject) => {
    execFile(process.execPath, [join(REPO, 'tools/build-portal.mjs')], { cwd: REPO, env: { ...process.env, PORTAL_OUT_DIR: outDir }, timeout: 120_000 }, (err, stdout, stderr) => {
      if (err) reject(new Error(`tools/build-portal.mjs failed: ${err.message}\n${stdout}${stderr}`));
      else resolvePromise(outDir);
    });
  });
}

/**
 * A console build's shape in a few bytes, for tests about routing rather than the console:
 * index.html loading one hashed script.
 */
export function writeSmallPortal(): { root: string; script: string } {
  const root = mkdtempSync(join(tmpdir(), 'wharf-portal-'));
  mkdirSync(join(root, 'assets'));
  const script = '/assets/index-Ab12Cd34.js';
  writeFileSync(join(root, 'index.html'), `<!doctype html>\n<html><head><script type="module" src="${script}"></script></head><body><div id="root"></div></body></html>\n`);
  writeFileSync(join(root, script), 'document.getElementById("root").textContent = "console";\n');
  return { root, script };
}
