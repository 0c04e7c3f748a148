// The server's matrix is the truth the catalog mirrors; the spec reads it from source, the
// console's bundle never does (libs/auth also holds Node-only code).
// eslint-disable-next-line @nx/enforce-module-boundaries
import { actionsOf, RESOURCES } from '../../../../../libs/auth/src/rbac';
import {
  accessKey,
  accessList,
  buildPermissions,
  catalogActions,
  isExpired,
  permissionSummary,
  PROJECT_CATALOG,
  PULL_ACCESS,
  PUSH_ACCESS,
  robotLoginName,
  ROBOT_NAME_PATTERN,
  secretFile,
  SYSTEM_CATALOG,
} from './robot-model';

describe('robot permission catalogs', () => {
  it('offers exactly the project resources and actions the server accepts', () => {
    const offered = Object.fromEntries(PROJECT_CATALOG.map(([r, a]) => [r, [...a].sort()]));
    const accepted = Object.fromEntries(RESOURCES.map((r) => [r, [...actionsOf(r)].sort()]));
    expect(offered).toEqual(accepted);
  });

  it('lists each resource once and the presets only offered cells', () => {
    for (const catalog of [PROJECT_CATALOG, SYSTEM_CATALOG]) expect(new Set(catalog.map(([r]) => r)).size).toBe(catalog.length);
    const cells = new Set(PROJECT_CATALOG.flatMap(([r, actions]) => actions.map((a) => accessKey(r, a))));
    for (const key of PUSH_ACCESS) expect(cells.has(key)).toBe(true);
    expect(PUSH_ACCESS).toEqual(expect.arrayContaining([...PULL_ACCESS]));
  });

  it('orders the action columns with the common ones first', () => {
    expect(catalogActions(PROJECT_CATALOG)).toEqual(['list', 'read', 'pull', 'push', 'create', 'update', 'delete', 'operate', 'stop']);
    expect(catalogActions([['x', ['zap', 'read']]])).toEqual(['read', 'zap']);
  });
});

describe('buildPermissions', () => {
  const push = new Set([accessKey('repository', 'push'), accessKey('repository', 'pull'), accessKey('nonsense', 'pull')]);

  it('gives a project robot one permission on its project, in catalog order, unknown cells dropped', () => {
    expect(buildPermissions({ level: 'project', project: 'demo', projectAccess: push })).toEqual([
      {
        kind: 'project',
        namespace: 'demo',
        access: [
          { resource: 'repository', action: 'pull', effect: 'allow' },
          { resource: 'repository', action: 'push', effect: 'allow' },
        ],
      },
    ]);
    expect(buildPermissions({ level: 'project', project: 'demo', projectAccess: new Set() })).toEqual([]);
  });

  it('gives a system robot the system permission and every project as *', () => {
    const perms = buildPermissions({ level: 'system', systemAccess: new Set([accessKey('project', 'create')]), projectAccess: push, scope: { kind: 'all' } });
    expect(perms.map((p) => [p.kind, p.namespace, p.access.length])).toEqual([
      ['system', '/', 1],
      ['project', '*', 2],
    ]);
  });

  it('repeats the project access once per chosen project, each name once', () => {
    const perms = buildPermissions({ level: 'system', systemAccess: new Set(), projectAccess: push, scope: { kind: 'some', projects: ['a', 'b', 'a'] } });
    expect(perms.map((p) => p.namespace)).toEqual(['a', 'b']);
    expect(perms[0].access).not.toBe(perms[1].access);
  });

  it('leaves out empty parts', () => {
    expect(buildPermissions({ level: 'system', systemAccess: new Set(), projectAccess: new Set(), scope: { kind: 'all' } })).toEqual([]);
    expect(accessList(SYSTEM_CATALOG, new Set([accessKey('user', 'list')]))).toEqual([{ resource: 'user', action: 'list', effect: 'allow' }]);
  });
});

describe('robot names and secrets', () => {
  it('builds the login names Wharf uses', () => {
    expect(robotLoginName('ci', 'demo')).toBe('robot$demo+ci');
    expect(robotLoginName('ci')).toBe('robot$ci');
    expect(robotLoginName('ci', undefined, 'bot_')).toBe('bot_ci');
  });

  it('accepts Harbor robot names only', () => {
    for (const ok of ['ci', 'a.b-c_d', 'x1']) expect(ROBOT_NAME_PATTERN.test(ok)).toBe(true);
    for (const bad of ['CI', 'a+b', '-a', 'a..b', '', 'a b']) expect(ROBOT_NAME_PATTERN.test(bad)).toBe(false);
  });

  it('knows when a robot has expired', () => {
    expect(isExpired(-1)).toBe(false);
    expect(isExpired(100, 99_000)).toBe(false);
    expect(isExpired(100, 100_000)).toBe(true);
  });

  it('writes the download file with name and secret only, and a safe file name', () => {
    const file = secretFile('robot$demo+ci', 's3cret');
    expect(file.filename).toBe('robot_demo+ci.json');
    expect(JSON.parse(file.json)).toEqual({ name: 'robot$demo+ci', secret: 's3cret' });
    expect(secretFile('$$$', 'x').filename).toBe('robot.json');
  });

  it('summarises permissions for the list', () => {
    expect(
      permissionSummary([
        { kind: 'system', namespace: '/', access: [{ resource: 'user', action: 'list' }] },
        { kind: 'project', namespace: 'a', access: [{ resource: 'repository', action: 'pull' }, { resource: 'repository', action: 'push', effect: 'deny' }] },
        { kind: 'project', namespace: '*', access: [{ resource: 'repository', action: 'pull' }] },
      ]),
    ).toEqual({ system: 1, projects: ['a'], allProjects: true, project: 1 });
  });
});
