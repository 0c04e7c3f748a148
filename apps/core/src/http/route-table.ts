/**
 * The methods served per path pattern, as the router registered them. The router only says "no
 * route" for a request; this tells a wrong method on a known path (405) from an unknown path (404).
 */
export class RouteTable {
  private readonly routes: { pattern: RegExp; methods: Set<string> }[] = [];
  private readonly byPath = new Map<string, Set<string>>();

  add(method: string | string[], path: string): void {
    const methods = Array.isArray(method) ? method : [method];
    let known = this.byPath.get(path);
    if (!known) {
      known = new Set();
      this.byPath.set(path, known);
      this.routes.push({ pattern: compile(path), methods: known });
    }
    for (const m of methods) known.add(m.toUpperCase());
  }

  /** The methods allowed on a concrete request path (query string ignored), sorted. */
  allowed(url: string): string[] {
    const path = url.split('?')[0];
    const methods = new Set<string>();
    for (const route of this.routes) if (route.pattern.test(path)) for (const m of route.methods) methods.add(m);
    return [...methods].sort();
  }
}

/** `/a/:id/b` -> /^\/a\/[^/]+\/b\/?$/ ; `*` matches the rest of the path. */
export function compile(path: string): RegExp {
  let source = '';
  for (const part of path.split(/(:[A-Za-z0-9_]+|\*)/)) {
    if (part === '*') source += '.*';
    else if (part.startsWith(':')) source += '[^/]+';
    else source += part.replace(/[.+?^${}()|[\]\\]/g, '\\$&');
  }
  return new RegExp(`^${source.replace(/\/$/, '')}/?$`);
}
