import {
  Access,
  Action,
  actionsOf,
  grantedRegistryActions,
  isProjectRole,
  isResource,
  Principal,
  ProjectRef,
  ProjectRole,
  publicAllows,
  Resource,
  RESOURCES,
  robotDecision,
  robotProjectIds,
  RobotPermission,
  roleAllows,
  ROLE_NAMES,
  ROLE_STRENGTH,
} from './rbac';

// Every action the model knows; each cell of the matrix is checked against all of them, so an
// action granted by mistake (a guest that may `push`) fails as loudly as one that is missing.
const ALL_ACTIONS: readonly Action[] = ['create', 'read', 'update', 'delete', 'list', 'pull', 'push', 'operate', 'stop'];

type Expected = Readonly<Record<Resource, readonly Action[]>>;

// Transcribed by hand from Harbor's rolePoliciesMap (goharbor/harbor
// src/common/rbac/project/rbac_role.go), restricted to the resources Wharf models (no Helm
// charts). Harbor's "User Permissions By Role" page agrees on every row it covers, with two known
// differences where the page lags the code: the code lets developers and guests read/list robots
// and labels, and that is what Harbor enforces.
const NONE: readonly Action[] = [];
const HARBOR: Readonly<Record<ProjectRole, Expected>> = {
  [ProjectRole.ProjectAdmin]: {
    project: ['read', 'update', 'delete'],
    member: ['create', 'read', 'update', 'delete', 'list'],
    metadata: ['create', 'read', 'update', 'delete'],
    log: ['list'],
    label: ['create', 'read', 'update', 'delete', 'list'],
    quota: ['read'],
    repository: ['create', 'read', 'update', 'delete', 'list', 'pull', 'push'],
    'tag-retention': ['create', 'read', 'update', 'delete', 'list', 'operate'],
    'immutable-tag': ['create', 'update', 'delete', 'list'],
    configuration: ['read', 'update'],
    robot: ['create', 'read', 'update', 'delete', 'list'],
    'notification-policy': ['create', 'read', 'update', 'delete', 'list'],
    scan: ['create', 'read', 'stop'],
    scanner: ['create', 'read'],
    artifact: ['create', 'read', 'delete', 'list'],
    'artifact-addition': ['read'],
    tag: ['create', 'delete', 'list'],
    accessory: ['list'],
    'artifact-label': ['create', 'delete'],
    'preheat-policy': ['create', 'read', 'update', 'delete', 'list'],
  },
  [ProjectRole.Maintainer]: {
    project: ['read'],
    member: ['read', 'list'],
    metadata: ['read'],
    log: ['list'],
    label: ['create', 'read', 'update', 'delete', 'list'],
    quota: ['read'],
    repository: ['create', 'read', 'update', 'delete', 'list', 'pull', 'push'],
    'tag-retention': ['create', 'read', 'update', 'delete', 'list', 'operate'],
    'immutable-tag': ['create', 'update', 'delete', 'list'],
    configuration: ['read'],
    robot: ['read', 'list'],
    'notification-policy': ['list'],
    scan: ['create', 'read', 'stop'],
    scanner: ['read'],
    artifact: ['create', 'read', 'delete', 'list'],
    'artifact-addition': ['read'],
    tag: ['create', 'delete', 'list'],
    accessory: ['list'],
    'artifact-label': ['create', 'delete'],
    'preheat-policy': NONE,
  },
  [ProjectRole.Developer]: {
    project: ['read'],
    member: ['read', 'list'],
    metadata: NONE,
    log: ['list'],
    label: ['read', 'list'],
    quota: ['read'],
    repository: ['create', 'read', 'update', 'list', 'pull', 'push'],
    'tag-retention': ['create', 'read', 'update', 'delete', 'list', 'operate'],
    'immutable-tag': NONE,
    configuration: ['read'],
    robot: ['read', 'list'],
    'notification-policy': NONE,
    scan: ['read'],
    scanner: ['read'],
    artifact: ['create', 'read', 'list'],
    'artifact-addition': ['read'],
    tag: ['create', 'list'],
    accessory: ['list'],
    'artifact-label': ['create', 'delete'],
    'preheat-policy': NONE,
  },
  [ProjectRole.Guest]: {
    project: ['read'],
    member: ['read', 'list'],
    metadata: NONE,
    log: ['list'],
    label: ['read', 'list'],
    quota: ['read'],
    repository: ['read', 'list', 'pull'],
    'tag-retention': NONE,
    'immutable-tag': NONE,
    configuration: ['read'],
    robot: ['read', 'list'],
    'notification-policy': NONE,
    scan: ['read'],
    scanner: ['read'],
    artifact: ['read', 'list'],
    'artifact-addition': ['read'],
    tag: ['list'],
    accessory: ['list'],
    'artifact-label': NONE,
    'preheat-policy': NONE,
  },
  [ProjectRole.LimitedGuest]: {
    project: ['read'],
    member: NONE,
    metadata: NONE,
    log: NONE,
    label: NONE,
    quota: ['read'],
    repository: ['list', 'pull'],
    'tag-retention': NONE,
    'immutable-tag': NONE,
    configuration: ['read'],
    robot: NONE,
    'notification-policy': NONE,
    scan: ['read'],
    scanner: ['read'],
    artifact: ['read', 'list'],
    'artifact-addition': ['read'],
    tag: ['list'],
    accessory: ['list'],
    'artifact-label': NONE,
    'preheat-policy': NONE,
  },
};

// Harbor's publicProjectPolicies (src/common/rbac/project/util.go) for the resources Wharf models,
// plus the two read-only cells Wharf adds on purpose (see rbac.ts): repository read, accessory list.
const PUBLIC: Partial<Expected> = {
  project: ['read'],
  label: ['read', 'list'],
  repository: ['read', 'list', 'pull'],
  scan: ['read'],
  scanner: ['read'],
  artifact: ['read', 'list'],
  'artifact-addition': ['read'],
  tag: ['list'],
  accessory: ['list'],
};

const ROLES = [ProjectRole.ProjectAdmin, ProjectRole.Maintainer, ProjectRole.Developer, ProjectRole.Guest, ProjectRole.LimitedGuest];

const PRIVATE: ProjectRef = { id: 1, name: 'team', public: false };
const OPEN: ProjectRef = { id: 2, name: 'library', public: true };
const OTHER: ProjectRef = { id: 3, name: 'other', public: false };

function user(roles: Array<[number, ProjectRole]> = [], sysadmin = false): Principal {
  return { kind: 'user', id: 7, username: 'alice', sysadmin, roles: new Map(roles) };
}

function robot(permissions: RobotPermission[], level: 'system' | 'project' = 'project'): Principal {
  return { kind: 'robot', id: 9, name: 'robot$team+ci', level, permissions };
}

/** The actions `access` may perform on `resource` of `project`, in ALL_ACTIONS order. */
function allowed(access: Access, project: ProjectRef, resource: Resource): Action[] {
  return ALL_ACTIONS.filter((action) => access.can(project, resource, action));
}

function sorted(actions: readonly Action[] | undefined): Action[] {
  return ALL_ACTIONS.filter((a) => actions?.includes(a));
}

describe('the role matrix', () => {
  it('models exactly the resources of the reference table', () => {
    expect([...RESOURCES].sort()).toEqual(Object.keys(HARBOR[ProjectRole.ProjectAdmin]).sort());
    expect(RESOURCES.every(isResource)).toBe(true);
    expect(isResource('helm-chart')).toBe(false);
    expect(isResource('toString')).toBe(false);
  });

  const cells = ROLES.flatMap((role) => RESOURCES.map((resource) => [ROLE_NAMES[role], resource, role] as const));

  it.each(cells)('%s on %s: exactly the actions of Harbor’s matrix', (_name, resource, role) => {
    expect(ALL_ACTIONS.filter((action) => roleAllows(role, resource, action))).toEqual(sorted(HARBOR[role][resource]));
  });

  it.each(cells)('%s member of a private project on %s: the same through Access.can', (_name, resource, role) => {
    const access = new Access(user([[PRIVATE.id, role]]));
    expect(allowed(access, PRIVATE, resource)).toEqual(sorted(HARBOR[role][resource]));
    // A role in one project gives nothing in another private project.
    expect(allowed(access, OTHER, resource)).toEqual([]);
  });

  it.each(cells)('%s member of a public project on %s: the role plus the visitor rights', (_name, resource, role) => {
    const access = new Access(user([[OPEN.id, role]]));
    expect(allowed(access, OPEN, resource)).toEqual(sorted([...HARBOR[role][resource], ...(PUBLIC[resource] ?? [])]));
  });

  it('lists each resource’s actions as the columns granted to someone', () => {
    // Harbor's robots may be granted metadata listing, which no role holds.
    const robotOnly: Partial<Expected> = { metadata: ['list'] };
    for (const resource of RESOURCES) {
      const granted = new Set([...ROLES.flatMap((role) => HARBOR[role][resource]), ...(robotOnly[resource] ?? [])]);
      expect(sorted(actionsOf(resource))).toEqual(sorted([...granted]));
    }
  });

  it('has Harbor’s role ids, names and strength order', () => {
    expect([ProjectRole.ProjectAdmin, ProjectRole.Developer, ProjectRole.Guest, ProjectRole.Maintainer, ProjectRole.LimitedGuest]).toEqual([1, 2, 3, 4, 5]);
    expect(ROLE_NAMES).toEqual({ 1: 'projectAdmin', 2: 'developer', 3: 'guest', 4: 'maintainer', 5: 'limitedGuest' });
    expect(ROLE_STRENGTH).toEqual([1, 4, 2, 3, 5]);
    expect([0, 1, 5, 6, 2.5, '1', null].map(isProjectRole)).toEqual([false, true, true, false, false, false, false]);
  });
});

describe('system administrators', () => {
  it('may do everything in every project, member or not', () => {
    const access = new Access(user([], true));
    expect(access.isSysadmin).toBe(true);
    for (const project of [PRIVATE, OPEN]) {
      for (const resource of RESOURCES) expect(allowed(access, project, resource)).toEqual([...ALL_ACTIONS]);
    }
    expect(access.canSee(PRIVATE)).toBe(true);
  });

  it('are only users with the flag', () => {
    expect(new Access(user([[PRIVATE.id, ProjectRole.ProjectAdmin]])).isSysadmin).toBe(false);
    expect(new Access({ kind: 'anonymous' }).isSysadmin).toBe(false);
    expect(new Access(robot([{ kind: 'project', namespace: '*', access: [{ resource: '*', action: '*' }] }], 'system')).isSysadmin).toBe(false);
  });
});

describe('anonymous callers and non-members', () => {
  const visitors: Array<[string, Principal]> = [
    ['anonymous', { kind: 'anonymous' }],
    ['a user without membership', user([[OTHER.id, ProjectRole.ProjectAdmin]])],
  ];

  it.each(visitors)('%s: read-only visitor rights in a public project', (_label, principal) => {
    const access = new Access(principal);
    for (const resource of RESOURCES) expect([resource, allowed(access, OPEN, resource)]).toEqual([resource, sorted(PUBLIC[resource])]);
    for (const resource of RESOURCES) {
      for (const action of ALL_ACTIONS) expect(publicAllows(resource, action)).toBe(PUBLIC[resource]?.includes(action) ?? false);
    }
    expect(access.canSee(OPEN)).toBe(true);
  });

  it.each(visitors)('%s: nothing at all in a private project', (_label, principal) => {
    const access = new Access(principal);
    for (const resource of RESOURCES) expect([resource, allowed(access, PRIVATE, resource)]).toEqual([resource, []]);
    expect(access.canSee(PRIVATE)).toBe(false);
    expect(access.roleIn(PRIVATE.id)).toBeUndefined();
  });

  it('anonymous is anonymous', () => {
    expect(new Access({ kind: 'anonymous' }).isAnonymous).toBe(true);
    expect(new Access(user()).isAnonymous).toBe(false);
  });

  it('a limited guest sees its private project, and reports its role', () => {
    const access = new Access(user([[PRIVATE.id, ProjectRole.LimitedGuest]]));
    expect(access.canSee(PRIVATE)).toBe(true);
    expect(access.roleIn(PRIVATE.id)).toBe(ProjectRole.LimitedGuest);
    expect(access.roleIn(OPEN.id)).toBeUndefined();
  });
});

describe('robots', () => {
  const pullPush: RobotPermission = {
    kind: 'project',
    namespace: 'team',
    project_id: PRIVATE.id,
    access: [
      { resource: 'repository', action: 'pull' },
      { resource: 'repository', action: 'push', effect: 'allow' },
    ],
  };
  const can = (perms: RobotPermission[], project: ProjectRef, resource: Resource, action: Action) => new Access(robot(perms)).can(project, resource, action);

  it('hold exactly what they were granted, in the project granted', () => {
    const access = new Access(robot([pullPush]));
    for (const resource of RESOURCES) {
      expect([resource, allowed(access, PRIVATE, resource)]).toEqual([resource, resource === 'repository' ? ['pull', 'push'] : []]);
      expect([resource, allowed(access, OTHER, resource)]).toEqual([resource, []]);
    }
    expect(access.roleIn(PRIVATE.id)).toBeUndefined();
    expect(access.canSee(PRIVATE)).toBe(true);
    expect(access.canSee(OTHER)).toBe(false);
  });

  it('match the project they were granted on by id: a project created again under the name is another', () => {
    const recreated: ProjectRef = { id: 42, name: PRIVATE.name, public: false };
    expect(can([pullPush], recreated, 'repository', 'pull')).toBe(false);
    expect(new Access(robot([pullPush])).canSee(recreated)).toBe(false);
    // A named permission that was never bound to a project grants nothing.
    const unbound: RobotPermission = { kind: 'project', namespace: 'team', access: pullPush.access };
    expect(can([unbound], PRIVATE, 'repository', 'pull')).toBe(false);
  });

  it('hold the visitor rights of public projects, as everyone does', () => {
    for (const perms of [[], [pullPush]]) {
      const access = new Access(robot(perms));
      for (const resource of RESOURCES) expect([resource, allowed(access, OPEN, resource)]).toEqual([resource, sorted(PUBLIC[resource] ?? [])]);
      expect(access.canSee(OPEN)).toBe(true);
    }
  });

  it('with the * namespace hold their grants in every project', () => {
    const access = new Access(robot([{ kind: 'project', namespace: '*', access: [{ resource: 'artifact', action: 'delete' }] }], 'system'));
    for (const project of [PRIVATE, OPEN, OTHER]) {
      expect(access.can(project, 'artifact', 'delete')).toBe(true);
      expect(access.can(project, 'repository', 'push')).toBe(false);
    }
    expect(allowed(access, PRIVATE, 'artifact')).toEqual(['delete']);
  });

  it('match wildcard resources and actions inside an entry', () => {
    const perms: RobotPermission[] = [{ kind: 'project', namespace: 'team', project_id: PRIVATE.id, access: [{ resource: '*', action: 'list' }, { resource: 'tag', action: '*' }] }];
    expect(robotDecision(perms, PRIVATE, 'member', 'list')).toBe('allow');
    expect(robotDecision(perms, PRIVATE, 'member', 'create')).toBeUndefined();
    expect(robotDecision(perms, PRIVATE, 'tag', 'delete')).toBe('allow');
    expect(robotDecision(perms, OTHER, 'tag', 'delete')).toBeUndefined();
  });

  it('are refused where a deny matches, whatever the order and whatever else allows, public projects included', () => {
    const deny: RobotPermission = { kind: 'project', namespace: 'team', project_id: PRIVATE.id, access: [{ resource: 'repository', action: 'push', effect: 'deny' }] };
    const everything: RobotPermission = { kind: 'project', namespace: '*', access: [{ resource: '*', action: '*' }] };
    for (const perms of [[deny, everything], [everything, deny], [everything, pullPush, deny]]) {
      expect(can(perms, PRIVATE, 'repository', 'push')).toBe(false);
      expect(can(perms, PRIVATE, 'repository', 'pull')).toBe(true);
      expect(can(perms, OTHER, 'repository', 'push')).toBe(true);
    }
    const denyAll: RobotPermission = { kind: 'project', namespace: '*', access: [{ resource: '*', action: '*', effect: 'deny' }] };
    expect(can([pullPush, denyAll], PRIVATE, 'repository', 'pull')).toBe(false);
    // A deny takes away a public project's visitor rights too.
    expect(can([denyAll], OPEN, 'repository', 'pull')).toBe(false);
  });

  it('ignore system-kind permissions for project decisions', () => {
    const system: RobotPermission = { kind: 'system', namespace: '/', access: [{ resource: 'repository', action: 'pull' }] };
    expect(new Access(robot([system], 'system')).can(PRIVATE, 'repository', 'pull')).toBe(false);
  });

  it('name their projects by id, or all of them', () => {
    expect(robotProjectIds([pullPush, { kind: 'project', namespace: 'other', project_id: OTHER.id, access: [] }])).toEqual({ all: false, ids: [PRIVATE.id, OTHER.id] });
    expect(robotProjectIds([pullPush, { kind: 'project', namespace: '*', access: [] }])).toEqual({ all: true });
    expect(robotProjectIds([{ kind: 'system', namespace: '/', access: [] }])).toEqual({ all: false, ids: [] });
  });
});

describe('system permissions (canSystem)', () => {
  it('are held by system administrators only among users, and by no anonymous caller', () => {
    expect(new Access(user([], true)).canSystem('label', 'create')).toBe(true);
    expect(new Access(user([[PRIVATE.id, ProjectRole.ProjectAdmin]])).canSystem('label', 'read')).toBe(false);
    expect(new Access({ kind: 'anonymous' }).canSystem('label', 'read')).toBe(false);
  });

  it('are held by robots through their system permission, a deny winning', () => {
    const system = (access: RobotPermission['access']): RobotPermission => ({ kind: 'system', namespace: '/', access });
    const labels = new Access(robot([system([{ resource: 'label', action: 'create', effect: 'allow' }])], 'system'));
    expect(labels.canSystem('label', 'create')).toBe(true);
    expect(labels.canSystem('label', 'delete')).toBe(false);
    expect(labels.canSystem('user', 'create')).toBe(false);
    const denied = new Access(robot([system([{ resource: '*', action: '*' }, { resource: 'label', action: 'delete', effect: 'deny' }])], 'system'));
    expect(denied.canSystem('label', 'update')).toBe(true);
    expect(denied.canSystem('label', 'delete')).toBe(false);
    // A project permission, even on every project, is no system permission.
    const projectWide = new Access(robot([{ kind: 'project', namespace: '*', access: [{ resource: 'label', action: 'create' }] }], 'system'));
    expect(projectWide.canSystem('label', 'create')).toBe(false);
  });
});

describe('grantedRegistryActions', () => {
  const admin = new Access(user([[PRIVATE.id, ProjectRole.ProjectAdmin]]));
  const developer = new Access(user([[PRIVATE.id, ProjectRole.Developer]]));
  const guest = new Access(user([[PRIVATE.id, ProjectRole.Guest]]));
  const anonymous = new Access({ kind: 'anonymous' });

  it('maps pull, push and delete onto the matrix', () => {
    expect(grantedRegistryActions(admin, PRIVATE, ['pull', 'push', 'delete'])).toEqual(['pull', 'push', 'delete']);
    expect(grantedRegistryActions(developer, PRIVATE, ['pull', 'push', 'delete'])).toEqual(['pull', 'push']);
    expect(grantedRegistryActions(guest, PRIVATE, ['pull', 'push', 'delete'])).toEqual(['pull']);
    expect(grantedRegistryActions(anonymous, PRIVATE, ['pull'])).toEqual([]);
    expect(grantedRegistryActions(anonymous, OPEN, ['pull', 'push'])).toEqual(['pull']);
  });

  it('expands * to everything the principal holds', () => {
    expect(grantedRegistryActions(admin, PRIVATE, ['*'])).toEqual(['pull', 'push', 'delete']);
    expect(grantedRegistryActions(developer, PRIVATE, ['*'])).toEqual(['pull', 'push']);
    expect(grantedRegistryActions(anonymous, OPEN, ['*'])).toEqual(['pull']);
    expect(grantedRegistryActions(new Access(user([], true)), OTHER, ['*'])).toEqual(['pull', 'push', 'delete']);
  });

  it('drops unknown actions and repeats', () => {
    expect(grantedRegistryActions(admin, PRIVATE, ['fly', 'PULL', '', 'toString', '__proto__'])).toEqual([]);
    expect(grantedRegistryActions(admin, PRIVATE, ['push', 'pull', 'push', '*'])).toEqual(['push', 'pull', 'delete']);
  });

  it('gives robots their grants, and pull in public projects', () => {
    const ci = new Access(robot([{ kind: 'project', namespace: 'team', project_id: PRIVATE.id, access: [{ resource: 'repository', action: 'pull' }] }]));
    expect(grantedRegistryActions(ci, PRIVATE, ['*'])).toEqual(['pull']);
    expect(grantedRegistryActions(ci, OPEN, ['pull', 'push'])).toEqual(['pull']);
    expect(grantedRegistryActions(ci, OTHER, ['pull'])).toEqual([]);
  });
});

describe('system permissions', () => {
  const system = (access: RobotPermission['access']): RobotPermission => ({ kind: 'system', namespace: '/', access });

  it('are for system administrators and robots granted them', () => {
    expect(new Access(user([], true)).canSystem('system-volumes', 'read')).toBe(true);
    expect(new Access(user([[PRIVATE.id, ProjectRole.ProjectAdmin]])).canSystem('system-volumes', 'read')).toBe(false);
    expect(new Access({ kind: 'anonymous' }).canSystem('system-volumes', 'read')).toBe(false);
    const granted = new Access(robot([system([{ resource: 'system-volumes', action: 'read' }])], 'system'));
    expect(granted.canSystem('system-volumes', 'read')).toBe(true);
    expect(granted.canSystem('garbage-collection', 'read')).toBe(false);
  });

  it('ignore project grants and let a deny win', () => {
    const projectOnly = new Access(robot([{ kind: 'project', namespace: '*', access: [{ resource: '*', action: '*' }] }], 'system'));
    expect(projectOnly.canSystem('system-volumes', 'read')).toBe(false);
    const denied = new Access(robot([system([{ resource: '*', action: '*' }, { resource: 'system-volumes', action: 'read', effect: 'deny' }])], 'system'));
    expect(denied.canSystem('system-volumes', 'read')).toBe(false);
    expect(denied.canSystem('garbage-collection', 'read')).toBe(true);
  });
});
