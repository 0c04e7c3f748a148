import { formatScope, parseScope, parseScopes, Scope } from './scope';

describe('parseScope', () => {
  it.each<[string, Scope]>([
    ['repository:library/nginx:pull', { type: 'repository', resourceClass: undefined, name: 'library/nginx', actions: ['pull'] }],
    ['repository:library/nginx:pull,push', { type: 'repository', resourceClass: undefined, name: 'library/nginx', actions: ['pull', 'push'] }],
    ['repository:team/app:*', { type: 'repository', resourceClass: undefined, name: 'team/app', actions: ['*'] }],
    ['registry:catalog:*', { type: 'registry', resourceClass: undefined, name: 'catalog', actions: ['*'] }],
    // A registry host with a port inside the name: the type ends at the first colon, the actions start after the last.
    ['repository:host:5000/a/b:pull', { type: 'repository', resourceClass: undefined, name: 'host:5000/a/b', actions: ['pull'] }],
    ['repository:reg.example.com:443/team/app:pull,push', { type: 'repository', resourceClass: undefined, name: 'reg.example.com:443/team/app', actions: ['pull', 'push'] }],
    ['repository(plugin):team/app:pull', { type: 'repository', resourceClass: 'plugin', name: 'team/app', actions: ['pull'] }],
    ['repository(image):host:5000/x:delete', { type: 'repository', resourceClass: 'image', name: 'host:5000/x', actions: ['delete'] }],
    ['repository:a:pull,pull,push,pull', { type: 'repository', resourceClass: undefined, name: 'a', actions: ['pull', 'push'] }],
    // Empty items between commas carry nothing and are dropped.
    ['repository:a:pull,,push,', { type: 'repository', resourceClass: undefined, name: 'a', actions: ['pull', 'push'] }],
  ])('%s', (text, expected) => {
    expect(parseScope(text)).toEqual(expected);
  });

  it.each([
    '',
    'repository',
    'repository:library/nginx',
    ':library/nginx:pull',
    'repository::pull',
    'repository:library/nginx:',
    'repository:library/nginx:,',
    'Repository:library/nginx:pull',
    'repository:library/nginx:PULL',
    'repository:library/nginx:pull;push',
    'repository:library/nginx:pu ll',
    'repository:library/nginx:pull2',
    'repository:library/nginx:**',
    'repo-sitory:library/nginx:pull',
    'repository(plugin:a:pull',
    'repository():a:pull',
    'repository(Plug):a:pull',
    'repository(a)(b):a:pull',
  ])('refuses %j', (text) => {
    expect(parseScope(text)).toBeUndefined();
  });
});

describe('parseScopes', () => {
  it('collects scopes from several parameters and several scopes in one parameter', () => {
    const { scopes, invalid } = parseScopes(['repository:a/b:pull repository:host:5000/c/d:push,pull', 'registry:catalog:*', 'repository(plugin):x:pull']);
    expect(scopes.map(formatScope)).toEqual(['repository:a/b:pull', 'repository:host:5000/c/d:push,pull', 'registry:catalog:*', 'repository(plugin):x:pull']);
    expect(invalid).toEqual([]);
  });

  it('reports what it cannot parse and keeps the rest', () => {
    const { scopes, invalid } = parseScopes(['repository:a:pull nonsense', 'repository:b:', 'repository:c:push']);
    expect(scopes.map((s) => s.name)).toEqual(['a', 'c']);
    expect(invalid).toEqual(['nonsense', 'repository:b:']);
  });

  it('ignores empty parameters and runs of spaces', () => {
    expect(parseScopes(['', '  ', 'repository:a:pull   repository:b:pull '])).toEqual({
      scopes: [
        { type: 'repository', resourceClass: undefined, name: 'a', actions: ['pull'] },
        { type: 'repository', resourceClass: undefined, name: 'b', actions: ['pull'] },
      ],
      invalid: [],
    });
    expect(parseScopes([])).toEqual({ scopes: [], invalid: [] });
  });
});

describe('formatScope', () => {
  it('writes back what parseScope reads', () => {
    for (const text of ['repository:library/nginx:pull,push', 'repository(plugin):host:5000/a/b:pull', 'registry:catalog:*']) {
      const scope = parseScope(text);
      expect(scope && formatScope(scope)).toBe(text);
    }
  });
});
