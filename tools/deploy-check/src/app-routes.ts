import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * The GET routes a Nest app serves, read from its controllers: `@Controller(<prefix>)` joined
 * with each `@Get(<path>)` below it. Prefixes may be string literals, constants (`API_PREFIX`)
 * or template literals over constants (`${API_PREFIX}/users`); constants are looked up among the
 * app's `const NAME = '...'` declarations. Used to check that health probes hit real routes.
 */

function sourceFiles(dir: string): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...sourceFiles(path));
    else if (entry.name.endsWith('.ts') && !/\.(spec|int-spec|e2e-spec)\.ts$/.test(entry.name)) out.push(path);
  }
  return out;
}

const CONSTANT = /\bconst\s+([A-Z][A-Z0-9_]*)\s*=\s*'([^']*)'/g;
// Decorator argument: nothing, a '...' literal, a `...` template or an identifier.
const ARG = String.raw`\(\s*(?:'([^']*)'|\`([^\`]*)\`|([A-Za-z_][A-Za-z0-9_]*))?\s*\)`;
const DECORATOR = new RegExp(String.raw`@(Controller|Get)` + ARG, 'g');

function joinPath(...parts: string[]): string {
  const joined = parts
    .flatMap((p) => p.split('/'))
    .filter((s) => s !== '')
    .join('/');
  return `/${joined}`;
}

/** Routes of `controllers` (sources), with constants from `others` and the controllers. */
export function routesInSources(controllers: string[], others: string[] = []): string[] {
  const constants = new Map<string, string>();
  for (const source of [...others, ...controllers]) for (const m of source.matchAll(CONSTANT)) constants.set(m[1], m[2]);
  const argument = (literal?: string, template?: string, identifier?: string): string | undefined => {
    if (literal !== undefined) return literal;
    if (template !== undefined) {
      let unresolved = false;
      const value = template.replace(/\$\{([A-Za-z_][A-Za-z0-9_]*)\}/g, (_, name: string) => {
        const v = constants.get(name);
        if (v === undefined) unresolved = true;
        return v ?? '';
      });
      return unresolved ? undefined : value;
    }
    if (identifier !== undefined) return constants.get(identifier);
    return '';
  };

  const routes: string[] = [];
  for (const source of controllers) {
    let prefix: string | undefined;
    for (const m of source.matchAll(DECORATOR)) {
      const value = argument(m[2], m[3], m[4]);
      if (m[1] === 'Controller') prefix = value;
      else if (prefix !== undefined && value !== undefined) routes.push(joinPath(prefix, value));
    }
  }
  return [...new Set(routes)].sort();
}

/** GET routes of the app whose sources are under `srcDir` (apps/<app>/src). */
export function appRoutes(srcDir: string): string[] {
  const files = sourceFiles(srcDir);
  const read = (f: string) => readFileSync(f, 'utf8');
  // Constants may live anywhere in the app; decorators are read from controllers only.
  const isController = (f: string) => f.endsWith('.controller.ts');
  return routesInSources(files.filter(isController).map(read), files.filter((f) => !isController(f)).map(read));
}

/** Whether `path` (a probe's, without query) is served by one of `routes` (`:name` matches a segment). */
export function routeMatches(routes: string[], path: string): boolean {
  const wanted = path.split('?')[0].split('/').filter((s) => s !== '');
  return routes.some((route) => {
    const segments = route.split('/').filter((s) => s !== '');
    return segments.length === wanted.length && segments.every((s, i) => s.startsWith(':') || s === wanted[i]);
  });
}
