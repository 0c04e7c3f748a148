import { Access, ProjectRole } from '@wharf/auth';
import { HarborError } from '../http/harbor-error';
import { namedProjects } from '@wharf/identity';
import { escalations, normalizePermissions, PermissionInput } from './robot-permissions';
import { durationProblem, robotNameProblem } from './robot-rules';

const pull = (namespace: string, extra: PermissionInput['access'] = []): PermissionInput => ({
  kind: 'project',
  namespace,
  access: [{ resource: 'repository', action: 'pull' }, ...extra],
});

function problem(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (err) {
    if (err instanceof HarborError) return err.message;
    throw err;
  }
  return undefined;
}

describe('normalizePermissions', () => {
  it('spells out the effect and drops repeated entries', () => {
    const input = pull('team', [
      { resource: 'repository', action: 'pull', effect: 'allow' },
      { resource: 'repository', action: 'push', effect: 'deny' },
    ]);
    expect(normalizePermissions('project', [input])).toEqual([
      {
        kind: 'project',
        namespace: 'team',
        access: [
          { resource: 'repository', action: 'pull', effect: 'allow' },
          { resource: 'repository', action: 'push', effect: 'deny' },
        ],
      },
    ]);
  });

  it('gives system robots system permissions, "*" and several projects', () => {
    const permissions = normalizePermissions('system', [
      { kind: 'system', namespace: '/', access: [{ resource: 'user', action: 'list' }] },
      pull('*'),
      pull('team'),
      pull('other'),
    ]);
    expect(permissions).toHaveLength(4);
    expect(namedProjects(permissions)).toEqual(['team', 'other']);
  });

  it.each([
    ['no permissions', 'project', [], /at least one/],
    ['two permissions on a project robot', 'project', [pull('a'), pull('b')], /exactly one/],
    ['"*" on a project robot', 'project', [pull('*')], /own project/],
    ['system permissions on a project robot', 'project', [{ kind: 'system', namespace: '/', access: [{ resource: 'user', action: 'list' }] }], /system permissions/],
    ['a system namespace other than /', 'system', [{ kind: 'system', namespace: 'x', access: [{ resource: 'user', action: 'list' }] }], /"\/"/],
    ['an empty project namespace', 'system', [pull('')], /project name/],
    ['an unknown kind', 'system', [{ kind: 'cluster', namespace: 'x', access: [{ resource: 'repository', action: 'pull' }] }], /unknown permission kind/],
    ['a namespace twice', 'system', [pull('a'), pull('a')], /more than once/],
    ['no access', 'system', [{ kind: 'project', namespace: 'a', access: [] }], /grants no access/],
    ['an unknown project resource', 'project', [{ kind: 'project', namespace: 'a', access: [{ resource: 'helm-chart', action: 'read' }] }], /unknown project permission/],
    ['an unknown project action', 'project', [{ kind: 'project', namespace: 'a', access: [{ resource: 'tag', action: 'read' }] }], /unknown project permission/],
    ['a system resource in a project permission', 'project', [{ kind: 'project', namespace: 'a', access: [{ resource: 'user', action: 'list' }] }], /unknown project permission/],
    ['a project-only action in a system permission', 'system', [{ kind: 'system', namespace: '/', access: [{ resource: 'repository', action: 'pull' }] }], /unknown system permission/],
    ['inherited object keys', 'project', [{ kind: 'project', namespace: 'a', access: [{ resource: 'constructor', action: 'read' }] }], /unknown project permission/],
    ['a bad effect', 'project', [pull('a', [{ resource: 'repository', action: 'push', effect: 'maybe' }])], /effect/],
  ] as const)('refuses %s', (_label, level, permissions, message) => {
    expect(problem(() => normalizePermissions(level, permissions as unknown as PermissionInput[]))).toMatch(message);
  });

  it('caps the number of access entries', () => {
    const many = Array.from({ length: 501 }, () => ({ resource: 'repository', action: 'pull' }));
    expect(problem(() => normalizePermissions('project', [{ kind: 'project', namespace: 'a', access: many }]))).toMatch(/at most 500/);
  });
});

describe('escalations', () => {
  const team = { id: 1, name: 'team', public: false };
  const permission = normalizePermissions('project', [
    {
      kind: 'project',
      namespace: 'team',
      access: [
        { resource: 'repository', action: 'pull' },
        { resource: 'repository', action: 'push' },
        { resource: 'robot', action: 'create' },
        { resource: 'artifact', action: 'delete', effect: 'deny' },
      ],
    },
  ])[0];

  it('lists what the creator lacks, never the deny entries', () => {
    const developer = new Access({ kind: 'user', id: 2, username: 'dev', sysadmin: false, roles: new Map([[1, ProjectRole.Developer]]) });
    expect(escalations(developer, team, permission)).toEqual(['robot:create']);
    const admin = new Access({ kind: 'user', id: 3, username: 'pa', sysadmin: false, roles: new Map([[1, ProjectRole.ProjectAdmin]]) });
    expect(escalations(admin, team, permission)).toEqual([]);
    const robot = new Access({ kind: 'robot', id: 4, name: 'robot$team+r', level: 'project', permissions: [{ kind: 'project', namespace: 'team', project_id: team.id, access: [{ resource: 'repository', action: 'pull' }] }] });
    expect(escalations(robot, team, permission)).toEqual(['repository:push', 'robot:create']);
  });
});

describe('robot names and durations', () => {
  it('follows Harbor’s name rule and keeps logins within 255 characters', () => {
    expect(robotNameProblem('ci-bot.v2_x', 'team', 'robot$')).toBeUndefined();
    for (const bad of ['', 'CI', 'a+b', '-a', 'a-', 'a..b', 'a b', 'ü']) expect(robotNameProblem(bad, 'team', 'robot$')).toBeDefined();
    expect(robotNameProblem('a'.repeat(240), undefined, 'robot$')).toBeUndefined();
    expect(robotNameProblem('a'.repeat(240), 'p'.repeat(20), 'robot$')).toMatch(/255/);
  });

  it('takes -1, 0 and positive days only', () => {
    for (const ok of [-1, 0, 1, 365, 100_000_000]) expect(durationProblem(ok)).toBeUndefined();
    for (const bad of [-2, 1.5, 100_000_001, Number.NaN]) expect(durationProblem(bad)).toBeDefined();
  });
});
