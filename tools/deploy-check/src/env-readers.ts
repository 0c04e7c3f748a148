import { readFileSync } from 'node:fs';
import { moduleClosure } from './module-graph';

/**
 * The environment variables a configuration loader reads, found in its source: names passed as
 * the key to a reader taking the environment first (`int(env, 'CORE_PORT', ...)`,
 * `nonEmpty(env, 'TOKEN_ISSUER')`) and direct reads (`env['LOG_LEVEL']`, `process.env.X`).
 * Modules the loader imports by relative path are read too (the registry's audit settings live
 * in their own file). Parsing the source keeps this list from drifting from the code.
 */
const READER_CALL = /\(\s*env\s*,\s*['"]([A-Z][A-Z0-9_]*)['"]/g;
const INDEXED = /\benv\[\s*['"]([A-Z][A-Z0-9_]*)['"]\s*\]/g;
const DOTTED = /\bprocess\.env\.([A-Z][A-Z0-9_]*)\b/g;

export function envNamesInSource(source: string): string[] {
  const names: string[] = [];
  for (const pattern of [READER_CALL, INDEXED, DOTTED]) {
    for (const m of source.matchAll(pattern)) names.push(m[1]);
  }
  return names;
}

/** Names read by `file` and the modules it imports by relative path. */
export function envNamesReadBy(file: string): Set<string> {
  return new Set(moduleClosure(file).files.flatMap((f) => envNamesInSource(readFileSync(f, 'utf8'))));
}
