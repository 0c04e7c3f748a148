import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { routeMatches, routesInSources } from './app-routes';
import { interpolate, parseEnvFile, variablesIn } from './compose-interpolation';
import { dockerignoreMatcher, finalStage, parseDockerfile, stageProvides } from './dockerfile';
import { envNamesInSource } from './env-readers';
import { importsIn, moduleClosure } from './module-graph';

describe('Compose interpolation', () => {
  const env = new Map([
    ['SET', 'value'],
    ['EMPTY', ''],
  ]);
  const lookup = (name: string) => env.get(name);

  it('substitutes braced and bare references and keeps $$ as a dollar', () => {
    expect(interpolate('a ${SET} $SET $$SET', lookup)).toBe('a value value $SET');
  });

  it('applies defaults, with ":" treating empty as unset', () => {
    expect(interpolate('${MISSING:-d} ${EMPTY:-d} ${EMPTY-d} ${MISSING-d}', lookup)).toBe('d d  d');
  });

  it('fails on a required variable that is unset', () => {
    expect(() => interpolate('${MISSING:?set it}', lookup)).toThrow('required variable MISSING is not set: set it');
    expect(interpolate('${SET:?set it}', lookup)).toBe('value');
  });

  it('applies replacements only when set', () => {
    expect(interpolate('${SET:+yes}/${MISSING:+yes}', lookup)).toBe('yes/');
  });

  it('lists the variables a string refers to', () => {
    expect(variablesIn('postgres://u:${PW:?x}@db/${DB:-registry} $$NOT $HOME')).toEqual(['PW', 'DB', 'HOME']);
  });

  it('reads env files with comments and quotes', () => {
    expect([...parseEnvFile("# c\nA=1\n\nB='two words'\nexport C=\"x\"\n")]).toEqual([
      ['A', '1'],
      ['B', 'two words'],
      ['C', 'x'],
    ]);
    expect(() => parseEnvFile('not a line')).toThrow('not a KEY=value line');
  });
});

describe('Dockerfile parsing', () => {
  const dockerfile = parseDockerfile(
    [
      '# syntax=docker/dockerfile:1',
      'ARG BASE=node:20',
      'FROM ${BASE} AS build',
      'WORKDIR /src',
      'COPY package.json \\',
      '     package-lock.json ./',
      'RUN npm ci',
      'FROM ${BASE}',
      'WORKDIR /opt/app',
      'COPY --from=build --chown=1:1 /src/dist dist',
      'COPY ["a.sh", "b/"]',
      'USER app',
      'HEALTHCHECK --interval=5s \\',
      '  CMD ["node", "check.mjs"]',
      'CMD node dist/main.js',
    ].join('\n'),
  );

  it('reads stages, base images resolved from global ARGs, and COPYs', () => {
    expect(dockerfile.stages.map((s) => [s.name, s.base])).toEqual([
      ['build', 'node:20'],
      [undefined, 'node:20'],
    ]);
    expect(dockerfile.stages[0].copies).toEqual([{ line: 5, sources: ['package.json', 'package-lock.json'], dest: '/src', destIsDir: true }]);
    const last = finalStage(dockerfile);
    expect(last.copies.map((c) => [c.from, c.sources, c.dest])).toEqual([
      ['build', ['/src/dist'], '/opt/app/dist'],
      [undefined, ['a.sh'], '/opt/app/b'],
    ]);
    expect(last.user).toBe('app');
    expect(last.healthcheck).toEqual(['node', 'check.mjs']);
    expect(last.cmd).toEqual(['/bin/sh', '-c', 'node dist/main.js']);
    expect(dockerfile.stages[0].runs).toEqual(['npm ci']);
    expect(last.runs).toEqual([]);
  });

  it('tells which paths a stage provides', () => {
    const last = finalStage(dockerfile);
    expect(stageProvides(last, '/opt/app/dist/apps/x.js')).toBe(true);
    expect(stageProvides(last, '/opt/app/b/a.sh')).toBe(true);
    expect(stageProvides(last, '/opt/app/a.sh')).toBe(false);
    expect(stageProvides(last, '/opt/app/package.json')).toBe(false);
  });

  it('matches .dockerignore patterns, folders and exceptions', () => {
    const ignored = dockerignoreMatcher('# c\n.git\n**/node_modules\ndist\n!dist/keep\n*.log\n');
    expect(ignored('.git')).toBe(true);
    expect(ignored('libs/x/node_modules/y.js')).toBe(true);
    expect(ignored('node_modules')).toBe(true);
    expect(ignored('dist/a.js')).toBe(true);
    expect(ignored('dist/keep/a.js')).toBe(false);
    expect(ignored('a.log')).toBe(true);
    expect(ignored('apps/a.log')).toBe(false);
    expect(ignored('apps')).toBe(false);
  });
});

describe('reading the code', () => {
  it('finds environment variables passed to readers and read directly', () => {
    const source = [
      "const port = int(env, 'CORE_PORT', 8080, 0, 65535);",
      "const mode = nonEmpty( env , \"AUTH_MODE\");",
      "const level = env['LOG_LEVEL'] ?? 'info';",
      'const home = process.env.HOME_DIR;',
      "throw new ConfigError('NOT_READ', 'only named in a message');",
    ].join('\n');
    expect(envNamesInSource(source)).toEqual(['CORE_PORT', 'AUTH_MODE', 'LOG_LEVEL', 'HOME_DIR']);
  });

  it('joins controller prefixes (literals, constants, templates) with GET paths', () => {
    const controller = [
      '@Controller(API_PREFIX)',
      'class A {',
      "  @Get('ping') ping() {}",
      "  @Post('ping') post() {}",
      '}',
    ].join('\n');
    const nested = ['@Controller(`${API_PREFIX}/users`)', 'class B {', '  @Get() list() {}', "  @Get(':user_id') one() {}", '}'].join('\n');
    const root = ['@Controller()', 'class C {', "  @Get('healthz') health() {}", '}'].join('\n');
    const routes = routesInSources([controller, nested, root], ["export const API_PREFIX = 'api/v2.0';"]);
    expect(routes).toEqual(['/api/v2.0/ping', '/api/v2.0/users', '/api/v2.0/users/:user_id', '/healthz']);
    expect(routeMatches(routes, '/api/v2.0/users/7')).toBe(true);
    expect(routeMatches(routes, '/api/v2.0/ping?x=1')).toBe(true);
    expect(routeMatches(routes, '/api/v2.0/pong')).toBe(false);
  });
});

describe('module graph', () => {
  it('lists imports, telling type-only ones apart', () => {
    const source = [
      "import { join } from 'node:path';",
      "import type { A } from './a';",
      'import {',
      '  b,',
      '  c,',
      "} from './b';",
      "import './side-effect';",
      "export { d } from 'yaml';",
      "export const X = 'not an import';",
    ].join('\n');
    expect(importsIn(source)).toEqual([
      { specifier: 'node:path', typeOnly: false },
      { specifier: './a', typeOnly: true },
      { specifier: './b', typeOnly: false },
      { specifier: './side-effect', typeOnly: false },
      { specifier: 'yaml', typeOnly: false },
    ]);
  });

  it('follows relative imports and collects the packages loaded at run time', () => {
    const dir = mkdtempSync(join(tmpdir(), 'wharf-module-graph-'));
    try {
      writeFileSync(join(dir, 'main.ts'), "import { a } from './a';\nimport type { T } from 'typed-only';\nimport { x } from './missing';\n");
      writeFileSync(join(dir, 'a.ts'), "import { parse } from 'yaml';\nimport { join } from 'node:path';\nimport { main } from './main';\n");
      const closure = moduleClosure(join(dir, 'main.ts'));
      expect(closure.files).toEqual([join(dir, 'main.ts'), join(dir, 'a.ts')]);
      expect(closure.packages).toEqual(['yaml']);
      expect(closure.unresolved).toEqual([`${join(dir, 'main.ts')}: ./missing`]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
