import { existsSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';

/**
 * The modules a source file pulls in, read from its import and export-from statements. Type-only
 * imports are told apart because the compiler drops them: they load nothing at run time.
 */

export interface ImportRef {
  specifier: string;
  typeOnly: boolean;
}

const IMPORT = /^\s*(import|export)\s+(type\s+)?(?:[^'";]*?\s+from\s+)?['"]([^'"]+)['"]/gm;

export function importsIn(source: string): ImportRef[] {
  return [...source.matchAll(IMPORT)].map((m) => ({ specifier: m[3], typeOnly: m[2] !== undefined }));
}

function resolveModule(fromFile: string, specifier: string): string | undefined {
  const base = resolve(dirname(fromFile), specifier);
  const candidates = [base, `${base}.ts`, `${base}.mjs`, `${base}.js`, join(base, 'index.ts')];
  return candidates.find((c) => existsSync(c) && statSync(c).isFile());
}

export interface ModuleClosure {
  /** `file` and every file it reaches through relative imports (type-only ones included). */
  files: string[];
  /** Packages (not `node:` built-ins) loaded at run time by any of those files. */
  packages: string[];
  /** Relative imports that resolve to no file. */
  unresolved: string[];
}

export function moduleClosure(file: string): ModuleClosure {
  const files: string[] = [];
  const packages = new Set<string>();
  const unresolved: string[] = [];
  const visit = (path: string) => {
    if (files.includes(path)) return;
    files.push(path);
    for (const ref of importsIn(readFileSync(path, 'utf8'))) {
      if (ref.specifier.startsWith('.')) {
        const target = resolveModule(path, ref.specifier);
        if (target) visit(target);
        else unresolved.push(`${path}: ${ref.specifier}`);
      } else if (!ref.typeOnly && !ref.specifier.startsWith('node:')) {
        packages.add(ref.specifier);
      }
    }
  };
  visit(file);
  return { files, packages: [...packages].sort(), unresolved };
}
