/**
 * Harbor's authorization model, in one place: the project roles, what each may do to each kind
 * of project resource, and the rules for system administrators, robots and anonymous callers.
 * The core API and the token service both decide through `Access`; nothing else encodes a rule.
 */

/** Project roles with Harbor's numeric ids (the API's `role_id`). */
export enum ProjectRole {
  ProjectAdmin = 1,
  Developer = 2,
  Guest = 3,
  Maintainer = 4,
  LimitedGuest = 5,
}

/** Harbor's role names, as the API shows them (`role_name`). */
export const ROLE_NAMES: Readonly<Record<ProjectRole, string>> = {
  [ProjectRole.ProjectAdmin]: 'projectAdmin',
  [ProjectRole.Developer]: 'developer',
  [ProjectRole.Guest]: 'guest',
  [ProjectRole.Maintainer]: 'maintainer',
  [ProjectRole.LimitedGuest]: 'limitedGuest',
};

export function isProjectRole(value: unknown): value is ProjectRole {
  return typeof value === 'number' && Number.isInteger(value) && value >= 1 && value <= 5;
}

/** Stronger roles first: when a user holds several (directly and through groups), the first wins. */
export const ROLE_STRENGTH: readonly ProjectRole[] = [
  ProjectRole.ProjectAdmin,
  ProjectRole.Maintainer,
  ProjectRole.Developer,
  ProjectRole.Guest,
  ProjectRole.LimitedGuest,
];

export type Action = 'create' | 'read' | 'update' | 'delete' | 'list' | 'pull' | 'push' | 'operate' | 'stop';

export type Resource =
  | 'project'
  | 'member'
  | 'metadata'
  | 'log'
  | 'label'
  | 'quota'
  | 'repository'
  | 'tag-retention'
  | 'immutable-tag'
  | 'configuration'
  | 'robot'
  | 'notification-policy'
  | 'scan'
  | 'scanner'
  | 'artifact'
  | 'artifact-addition'
  | 'tag'
  | 'accessory'
  | 'artifact-label'
  | 'preheat-policy';

// Which roles may perform each action, one letter per role:
// A projectAdmin, M maintainer, D developer, G guest, L limitedGuest.
// This is Harbor's permission matrix for project resources.
const MATRIX: Readonly<Record<Resource, Partial<Record<Action, string>>>> = {
  project: { read: 'AMDGL', update: 'A', delete: 'A' },
  member: { create: 'A', read: 'AMDG', update: 'A', delete: 'A', list: 'AMDG' },
  // Listing is in no role (system administrators and robots granted it only), as in Harbor.
  metadata: { create: 'A', read: 'AM', update: 'A', delete: 'A', list: '' },
  log: { list: 'AMDG' },
  label: { create: 'AM', read: 'AMDG', update: 'AM', delete: 'AM', list: 'AMDG' },
  quota: { read: 'AMDGL' },
  repository: { create: 'AMD', read: 'AMDG', update: 'AMD', delete: 'AM', list: 'AMDGL', pull: 'AMDGL', push: 'AMD' },
  'tag-retention': { create: 'AMD', read: 'AMD', update: 'AMD', delete: 'AMD', list: 'AMD', operate: 'AMD' },
  'immutable-tag': { create: 'AM', update: 'AM', delete: 'AM', list: 'AM' },
  configuration: { read: 'AMDGL', update: 'A' },
  robot: { create: 'A', read: 'AMDG', update: 'A', delete: 'A', list: 'AMDG' },
  'notification-policy': { create: 'A', read: 'A', update: 'A', delete: 'A', list: 'AM' },
  scan: { create: 'AM', read: 'AMDGL', stop: 'AM' },
  scanner: { create: 'A', read: 'AMDGL' },
  artifact: { create: 'AMD', read: 'AMDGL', delete: 'AM', list: 'AMDGL' },
  'artifact-addition': { read: 'AMDGL' },
  tag: { create: 'AMD', delete: 'AM', list: 'AMDGL' },
  accessory: { list: 'AMDGL' },
  'artifact-label': { create: 'AMD', delete: 'AMD' },
  'preheat-policy': { create: 'A', read: 'A', update: 'A', delete: 'A', list: 'A' },
};

const ROLE_LETTER: Readonly<Record<ProjectRole, string>> = {
  [ProjectRole.ProjectAdmin]: 'A',
  [ProjectRole.Maintainer]: 'M',
  [ProjectRole.Developer]: 'D',
  [ProjectRole.Guest]: 'G',
  [ProjectRole.LimitedGuest]: 'L',
};

// What anyone (anonymous included) may do in a public project: read-only, as Harbor's visitors
// (its publicProjectPolicies). Two cells go beyond that list on purpose and reveal nothing new:
// Harbor answers a single repository's GET with the `list` permission, and visitors already see
// accessories in artifact listings (`with_accessory`).
const PUBLIC_POLICIES: ReadonlyArray<readonly [Resource, Action]> = [
  ['project', 'read'],
  ['label', 'read'],
  ['label', 'list'],
  ['repository', 'list'],
  ['repository', 'read'],
  ['repository', 'pull'],
  ['artifact', 'read'],
  ['artifact', 'list'],
  ['artifact-addition', 'read'],
  ['tag', 'list'],
  ['accessory', 'list'],
  ['scan', 'read'],
  ['scanner', 'read'],
];

export const RESOURCES = Object.keys(MATRIX) as Resource[];

/** The actions defined for a resource (the matrix's columns). */
export function actionsOf(resource: Resource): Action[] {
  return Object.keys(MATRIX[resource]) as Action[];
}

export function isResource(value: unknown): value is Resource {
  return typeof value === 'string' && Object.prototype.hasOwnProperty.call(MATRIX, value);
}

/** True when `role` may perform `action` on `resource` in its project. */
export function roleAllows(role: ProjectRole, resource: Resource, action: Action): boolean {
  return MATRIX[resource][action]?.includes(ROLE_LETTER[role]) ?? false;
}

/** True when anyone may perform `action` on `resource` of a public project. */
export function publicAllows(resource: Resource, action: Action): boolean {
  return PUBLIC_POLICIES.some(([r, a]) => r === resource && a === action);
}

/** One permission of a robot account, as Harbor's API writes it. */
export interface RobotAccess {
  resource: string;
  action: string;
  effect?: 'allow' | 'deny';
}

/**
 * A robot's permissions for one project (`namespace` = its name) or for all (`*`), as stored. A
 * permission on a named project also carries the id of the project it was granted on (Harbor, too,
 * resolves the name to an id): authorization matches the id, so that a project deleted and created
 * again under the same name is not covered. The API shows permissions without it.
 */
export interface RobotPermission {
  kind: 'project' | 'system';
  namespace: string;
  project_id?: number;
  access: RobotAccess[];
}

/**
 * Who is asking, as far as authorization cares. Built once per request by whoever authenticated
 * it (core's guard, the token service, the registry's basic-auth path).
 */
export type Principal =
  | { kind: 'anonymous' }
  | { kind: 'user'; id: number; username: string; sysadmin: boolean; roles: ReadonlyMap<number, ProjectRole> }
  | { kind: 'robot'; id: number; name: string; level: 'system' | 'project'; permissions: readonly RobotPermission[] };

/** The project an access decision is about. */
export interface ProjectRef {
  id: number;
  name: string;
  public: boolean;
}

/** Decides what a principal may do. Pure: the caller loads memberships and robot permissions. */
export class Access {
  constructor(readonly principal: Principal) {}

  get isSysadmin(): boolean {
    return this.principal.kind === 'user' && this.principal.sysadmin;
  }

  get isAnonymous(): boolean {
    return this.principal.kind === 'anonymous';
  }

  /** The user's role in a project, if a member (undefined for robots and anonymous callers). */
  roleIn(projectId: number): ProjectRole | undefined {
    return this.principal.kind === 'user' ? this.principal.roles.get(projectId) : undefined;
  }

  /** True when the principal may perform `action` on `resource` of `project`. */
  can(project: ProjectRef, resource: Resource, action: Action): boolean {
    const p = this.principal;
    if (p.kind === 'user') {
      if (p.sysadmin) return true;
      const role = p.roles.get(project.id);
      if (role !== undefined && roleAllows(role, resource, action)) return true;
    } else if (p.kind === 'robot') {
      const decision = robotDecision(p.permissions, project, resource, action);
      if (decision !== undefined) return decision === 'allow';
    }
    return project.public && publicAllows(resource, action);
  }

  /**
   * True when the principal may perform `action` on the system resource `resource` (Harbor's
   * system namespace: `system-volumes`, global labels, ...): system administrators, and robots
   * whose `system` permission allows it (a matching deny wins). Members' project roles grant
   * nothing here.
   */
  canSystem(resource: string, action: string): boolean {
    const p = this.principal;
    if (p.kind === 'user') return p.sysadmin;
    if (p.kind !== 'robot') return false;
    let allowed = false;
    for (const permission of p.permissions) {
      if (permission.kind !== 'system') continue;
      for (const entry of permission.access) {
        if ((entry.resource !== resource && entry.resource !== '*') || (entry.action !== action && entry.action !== '*')) continue;
        if (entry.effect === 'deny') return false;
        allowed = true;
      }
    }
    return allowed;
  }

  /** True when the principal may see the project at all (listing, search, catalog). */
  canSee(project: ProjectRef): boolean {
    return this.can(project, 'project', 'read') || this.can(project, 'repository', 'pull');
  }
}

/**
 * What a robot's grants say about an action in a project: an entry for the project (the one it was
 * granted on, by id) or for every project (`*`) allows; a matching `deny` wins over any `allow`;
 * undefined when no entry matches. Like everyone, robots also hold the visitor rights of public
 * projects (as in Harbor), unless an entry denies them.
 */
export function robotDecision(permissions: readonly RobotPermission[], project: ProjectRef, resource: Resource, action: Action): 'allow' | 'deny' | undefined {
  let decision: 'allow' | undefined;
  for (const permission of permissions) {
    if (permission.kind !== 'project') continue;
    if (permission.namespace !== '*' && permission.project_id !== project.id) continue;
    for (const entry of permission.access) {
      if ((entry.resource !== resource && entry.resource !== '*') || (entry.action !== action && entry.action !== '*')) continue;
      if (entry.effect === 'deny') return 'deny';
      decision = 'allow';
    }
  }
  return decision;
}

/** The projects a robot's permissions are about: every project (`*`), or these ids. */
export function robotProjectIds(permissions: readonly RobotPermission[]): { all: true } | { all: false; ids: number[] } {
  const ids = new Set<number>();
  for (const permission of permissions) {
    if (permission.kind !== 'project') continue;
    if (permission.namespace === '*') return { all: true };
    if (permission.project_id !== undefined) ids.add(permission.project_id);
  }
  return { all: false, ids: [...ids] };
}

/** Registry token actions and the matrix cell each stands for. */
export const REGISTRY_ACTIONS: Readonly<Record<'pull' | 'push' | 'delete', readonly [Resource, Action]>> = {
  pull: ['repository', 'pull'],
  push: ['repository', 'push'],
  delete: ['repository', 'delete'],
};

export type RegistryAction = keyof typeof REGISTRY_ACTIONS;

/** Which of `requested` registry actions the principal holds on a repository of `project`. */
export function grantedRegistryActions(access: Access, project: ProjectRef, requested: readonly string[]): RegistryAction[] {
  const granted: RegistryAction[] = [];
  for (const action of requested) {
    const wanted: RegistryAction[] = action === '*' ? ['pull', 'push', 'delete'] : Object.hasOwn(REGISTRY_ACTIONS, action) ? [action as RegistryAction] : [];
    for (const a of wanted) {
      const [resource, act] = REGISTRY_ACTIONS[a];
      if (!granted.includes(a) && access.can(project, resource, act)) granted.push(a);
    }
  }
  return granted;
}
