/**
 * Scopes of the Docker registry token protocol: `type[(class)]:name:action[,action...]`, e.g.
 * `repository:library/nginx:pull,push` or `registry:catalog:*`. The name may itself contain
 * colons (a registry host with a port), so the type ends at the first colon and the actions start
 * after the last one.
 */
export interface Scope {
  type: string;
  /** e.g. `plugin` in `repository(plugin):name:pull`; absent for plain scopes. */
  resourceClass?: string;
  name: string;
  actions: string[];
}

const TYPE = /^([a-z0-9]+)(?:\(([a-z0-9]+)\))?$/;
const ACTION = /^(?:[a-z]+|\*)$/;

/** Parses one scope; undefined when it does not follow the grammar. */
export function parseScope(text: string): Scope | undefined {
  const first = text.indexOf(':');
  const last = text.lastIndexOf(':');
  if (first <= 0 || last === first) return undefined;
  const type = TYPE.exec(text.slice(0, first));
  const name = text.slice(first + 1, last);
  const actions = text.slice(last + 1).split(',').filter((a) => a.length > 0);
  if (!type || name.length === 0 || actions.length === 0 || !actions.every((a) => ACTION.test(a))) return undefined;
  return { type: type[1], resourceClass: type[2], name, actions: [...new Set(actions)] };
}

/**
 * All scopes of a token request. Clients send several `scope` parameters, and some put several
 * scopes into one parameter separated by spaces (the OAuth2 convention).
 */
export function parseScopes(values: readonly string[]): { scopes: Scope[]; invalid: string[] } {
  const scopes: Scope[] = [];
  const invalid: string[] = [];
  for (const value of values) {
    for (const part of value.split(' ')) {
      if (part === '') continue;
      const scope = parseScope(part);
      if (scope) scopes.push(scope);
      else invalid.push(part);
    }
  }
  return { scopes, invalid };
}

export function formatScope(scope: Scope): string {
  const type = scope.resourceClass ? `${scope.type}(${scope.resourceClass})` : scope.type;
  return `${type}:${scope.name}:${scope.actions.join(',')}`;
}
