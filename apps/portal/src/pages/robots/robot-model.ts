/**
 * What a robot account may be given, and the pieces of the robot API's shapes the pages build.
 * The catalogs mirror what Wharf's robot API accepts (libs/auth's project matrix and the
 * system resources of apps/core/src/robots/robot-permissions.ts); Wharf has no GET /permissions
 * to ask for them. robot-model.spec.ts checks the project catalog against libs/auth.
 */

export type RobotLevel = 'system' | 'project';

export interface RobotAccess {
  resource: string;
  action: string;
  effect?: 'allow' | 'deny';
}

export interface RobotPermission {
  kind: 'project' | 'system';
  /** A project name, `*` for every project, `/` for system permissions. */
  namespace: string;
  access: RobotAccess[];
}

/** GET /robots and GET /robots/{id}: never the secret. */
export interface Robot {
  id: number;
  name: string;
  description: string;
  level: RobotLevel;
  duration: number;
  editable: boolean;
  disable: boolean;
  /** Unix seconds; -1 never expires. */
  expires_at: number;
  permissions: RobotPermission[];
  creator_type: string;
  creator_ref: number;
  creation_time: string;
  update_time: string;
}

/** POST /robots: the one answer with the secret. */
export interface RobotCreated {
  id: number;
  name: string;
  secret: string;
  creation_time: string;
  expires_at: number;
}

const CRUDL = ['create', 'read', 'update', 'delete', 'list'];

/** Project resources and their actions, in the order the permission table shows them. */
export const PROJECT_CATALOG: ReadonlyArray<readonly [string, readonly string[]]> = [
  ['repository', ['list', 'read', 'pull', 'push', 'create', 'update', 'delete']],
  ['artifact', ['list', 'read', 'create', 'delete']],
  ['tag', ['list', 'create', 'delete']],
  ['artifact-label', ['create', 'delete']],
  ['accessory', ['list']],
  ['artifact-addition', ['read']],
  ['scan', ['read', 'create', 'stop']],
  ['scanner', ['read', 'create']],
  ['label', ['list', 'read', 'create', 'update', 'delete']],
  ['tag-retention', ['list', 'read', 'create', 'update', 'delete', 'operate']],
  ['immutable-tag', ['list', 'create', 'update', 'delete']],
  ['notification-policy', ['list', 'read', 'create', 'update', 'delete']],
  ['preheat-policy', ['list', 'read', 'create', 'update', 'delete']],
  ['log', ['list']],
  ['member', ['list', 'read', 'create', 'update', 'delete']],
  ['robot', ['list', 'read', 'create', 'update', 'delete']],
  ['metadata', ['list', 'read', 'create', 'update', 'delete']],
  ['quota', ['read']],
  ['configuration', ['read', 'update']],
  ['project', ['read', 'update', 'delete']],
];

/** System resources (kind `system`, namespace `/`), for system robots only. */
export const SYSTEM_CATALOG: ReadonlyArray<readonly [string, readonly string[]]> = [
  ['audit-log', ['list']],
  ['catalog', ['read']],
  ['configuration', ['read', 'update']],
  ['distribution', CRUDL],
  ['export-cve', ['create', 'read']],
  ['garbage-collection', [...CRUDL, 'stop']],
  ['jobservice-monitor', ['list', 'stop']],
  ['label', CRUDL],
  ['ldap-user', ['create', 'list']],
  ['preheat-instance', CRUDL],
  ['project', CRUDL],
  ['purge-audit', [...CRUDL, 'stop']],
  ['quota', ['read', 'update', 'list']],
  ['registry', CRUDL],
  ['replication', CRUDL],
  ['replication-adapter', ['list']],
  ['replication-policy', CRUDL],
  ['robot', CRUDL],
  ['scan-all', [...CRUDL, 'stop']],
  ['scanner', CRUDL],
  ['security-hub', ['read', 'list']],
  ['system-volumes', ['read']],
  ['user', CRUDL],
  ['user-group', CRUDL],
];

/** The columns of a permission table: every action some resource of the catalog has. */
export function catalogActions(catalog: ReadonlyArray<readonly [string, readonly string[]]>): string[] {
  const order = ['list', 'read', 'pull', 'push', 'create', 'update', 'delete', 'operate', 'stop'];
  const present = new Set(catalog.flatMap(([, actions]) => actions));
  return [...order.filter((a) => present.has(a)), ...[...present].filter((a) => !order.includes(a)).sort()];
}

/** One granted cell of a permission table. */
export const accessKey = (resource: string, action: string) => `${resource}:${action}`;

/** What a plain pull-only robot needs (the dialog's starting point), and what pushing adds. */
export const PULL_ACCESS: readonly string[] = [accessKey('repository', 'pull'), accessKey('repository', 'list'), accessKey('artifact', 'read'), accessKey('artifact', 'list'), accessKey('tag', 'list')];
export const PUSH_ACCESS: readonly string[] = [...PULL_ACCESS, accessKey('repository', 'push'), accessKey('tag', 'create'), accessKey('artifact-label', 'create')];

/** The granted cells as API access entries, in the catalog's order; cells not in the catalog are dropped. */
export function accessList(catalog: ReadonlyArray<readonly [string, readonly string[]]>, granted: ReadonlySet<string>): RobotAccess[] {
  const out: RobotAccess[] = [];
  for (const [resource, actions] of catalog) {
    for (const action of actions) if (granted.has(accessKey(resource, action))) out.push({ resource, action, effect: 'allow' });
  }
  return out;
}

export type ProjectScope = { kind: 'all' } | { kind: 'some'; projects: string[] };

/**
 * The `permissions` of POST /robots. A project robot holds one permission, on its own project.
 * A system robot holds the system permission (when anything is granted there) and the project
 * permission either for every project (`*`) or once per chosen project.
 */
export function buildPermissions(
  input:
    | { level: 'project'; project: string; projectAccess: ReadonlySet<string> }
    | { level: 'system'; systemAccess: ReadonlySet<string>; projectAccess: ReadonlySet<string>; scope: ProjectScope },
): RobotPermission[] {
  const project = accessList(PROJECT_CATALOG, input.projectAccess);
  if (input.level === 'project') return project.length ? [{ kind: 'project', namespace: input.project, access: project }] : [];
  const out: RobotPermission[] = [];
  const system = accessList(SYSTEM_CATALOG, input.systemAccess);
  if (system.length) out.push({ kind: 'system', namespace: '/', access: system });
  if (project.length) {
    if (input.scope.kind === 'all') out.push({ kind: 'project', namespace: '*', access: project });
    else for (const name of [...new Set(input.scope.projects)]) out.push({ kind: 'project', namespace: name, access: project.map((a) => ({ ...a })) });
  }
  return out;
}

/** Harbor's rule for the short name of a robot (lower case; `+` would split the login name). */
export const ROBOT_NAME_PATTERN = /^[a-z0-9]+(?:[._-][a-z0-9]+)*$/;

/** The login name Wharf gives a robot: `robot$<project>+<name>` or `robot$<name>` (default prefix). */
export function robotLoginName(name: string, project?: string, prefix = 'robot$'): string {
  return project === undefined ? `${prefix}${name}` : `${prefix}${project}+${name}`;
}

/** True once the expiry time has passed; -1 (or 0) never expires. */
export function isExpired(expiresAt: number, now = Date.now()): boolean {
  return expiresAt > 0 && expiresAt * 1000 <= now;
}

/** The file offered by "download": the login name and the secret, nothing else. */
export function secretFile(name: string, secret: string): { filename: string; json: string } {
  const safe = name.replace(/[^A-Za-z0-9._+-]+/g, '_').replace(/^_+|_+$/g, '') || 'robot';
  return { filename: `${safe}.json`, json: `${JSON.stringify({ name, secret }, null, 2)}\n` };
}

/** A short summary of what a robot holds, for the list: the projects it covers and how many grants. */
export function permissionSummary(permissions: readonly RobotPermission[]): { system: number; projects: string[]; allProjects: boolean; project: number } {
  let system = 0;
  let project = 0;
  const projects: string[] = [];
  let allProjects = false;
  for (const p of permissions) {
    const allowed = p.access.filter((a) => a.effect !== 'deny').length;
    if (p.kind === 'system') system += allowed;
    else {
      project = Math.max(project, allowed);
      if (p.namespace === '*') allProjects = true;
      else projects.push(p.namespace);
    }
  }
  return { system, projects, allProjects, project };
}
