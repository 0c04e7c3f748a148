#!/usr/bin/env node
// Transpiles apps/, libs/ and tools/ TypeScript into dist/ with SWC (keeping the source tree,
// rewriting @wharf/* imports to relative paths). Type checking is `npm run typecheck`.
import { transformFile } from '@swc/core';
import { mkdir, readdir, rename, writeFile, stat } from 'node:fs/promises';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const outDir = join(root, 'dist');
const tsconfig = JSON.parse(await import('node:fs').then((fs) => fs.readFileSync(join(root, 'tsconfig.base.json'), 'utf8')));
const paths = tsconfig.compilerOptions.paths;

async function* walk(dir) {
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const p = join(dir, entry.name);
    if (entry.isDirectory()) {
      if (entry.name === 'node_modules' || entry.name === 'e2e') continue;
      // The web console is browser code, bundled by tools/build-portal.mjs.
      if (p === join(root, 'apps', 'portal')) continue;
      yield* walk(p);
    } else if (p.endsWith('.ts') && !/\.(spec|int-spec|e2e-spec)\.ts$/.test(p) && !p.endsWith('.d.ts')) {
      yield p;
    }
  }
}

// A process may be starting from dist/ while a build rewrites it (tests build and run services in
// parallel): each file appears whole or not at all, never truncated.
async function writeAtomically(file, content) {
  const temp = `${file}.${process.pid}.tmp`;
  await writeFile(temp, content);
  await rename(temp, file);
}

async function exists(p) {
  return stat(p).then(() => true, () => false);
}

const sources = [];
for (const top of ['apps', 'libs', 'tools', 'migrations']) {
  if (await exists(join(root, top))) for await (const f of walk(join(root, top))) sources.push(f);
}

await Promise.all(
  sources.map(async (file) => {
    const { code, map } = await transformFile(file, {
      sourceMaps: true,
      jsc: {
        parser: { syntax: 'typescript', decorators: true },
        transform: { legacyDecorator: true, decoratorMetadata: true },
        target: 'es2022',
        baseUrl: root,
        paths,
      },
      module: { type: 'commonjs' },
    });
    const out = join(outDir, relative(root, file)).replace(/\.ts$/, '.js');
    await mkdir(dirname(out), { recursive: true });
    if (map) await writeAtomically(out + '.map', map);
    await writeAtomically(out, code + `\n//# sourceMappingURL=${out.split('/').pop()}.map\n`);
  }),
);
// SQL migrations are data files read at run time.
console.log(`built ${sources.length} files into dist/`);
