import { Access, Action, actionsOf, isResource, ProjectRef, RESOURCES, RobotPermission, Resource } from '@wharf/auth';
import { badRequest } from '../http/harbor-error';

export type RobotLevel = 'system' | 'project';

export const ROBOT_LEVELS: readonly RobotLevel[] = ['system', 'project'];

/** A permission as the request wrote it (validated for types, not yet for meaning). */
export interface PermissionInput {
  kind: string;
  namespace: string;
  access: { resource: string; action: string; effect?: string }[];
}

const CRUDL = ['create', 'read', 'update', 'delete', 'list'] as const;

/**
 * Harbor's system-scope resources and their actions (kind `system`, namespace `/`), the ones its
 * robot API accepts for system robots. Wharf stores and returns them; the matrix in libs/auth
 * decides project resources only, so they grant nothing here yet.
 */
const SYSTEM_POLICIES: Readonly<Record<string, readonly string[]>> = {
  'audit-log': ['list'],
  catalog: ['read'],
  configuration: ['read', 'update'],
  distribution: CRUDL,
  'export-cve': ['create', 'read'],
  'garbage-collection': [...CRUDL, 'stop'],
  'jobservice-monitor': ['list', 'stop'],
  label: CRUDL,
  'ldap-user': ['create', 'list'],
  'preheat-instance': CRUDL,
  project: CRUDL,
  'purge-audit': [...CRUDL, 'stop'],
  quota: ['read', 'update', 'list'],
  registry: CRUDL,
  replication: CRUDL,
  'replication-adapter': ['list'],
  'replication-policy': CRUDL,
  robot: CRUDL,
  'scan-all': [...CRUDL, 'stop'],
  scanner: CRUDL,
  'security-hub': ['read', 'list'],
  'system-volumes': ['read'],
  user: CRUDL,
  'user-group': CRUDL,
};

/** One resource/action pair a robot may be granted. */
export interface PermissionPair {
  resource: string;
  action: string;
}

/** Every pair a system permission may hold (GET /permissions' `system`). */
export function systemPermissionCatalog(): PermissionPair[] {
  return Object.entries(SYSTEM_POLICIES).flatMap(([resource, actions]) => actions.map((action) => ({ resource, action })));
}

/** Every pair a project permission may hold: the matrix's cells (GET /permissions' `project`). */
export function projectPermissionCatalog(): PermissionPair[] {
  return RESOURCES.flatMap((resource) => actionsOf(resource).map((action) => ({ resource, action })));
}

function isSystemPolicy(resource: string, action: string): boolean {
  return Object.hasOwn(SYSTEM_POLICIES, resource) && SYSTEM_POLICIES[resource].includes(action);
}

function isProjectPolicy(resource: string, action: string): boolean {
  return isResource(resource) && (actionsOf(resource) as string[]).includes(action);
}

/** The most entries one robot may hold: every cell of both matrices fits with room to spare. */
export const MAX_ACCESS_ENTRIES = 500;

/**
 * Checks a robot's permissions against its level and returns them normalised (effect spelled out,
 * repeated entries dropped). Throws 400 naming the first problem:
 * - a project robot holds exactly one permission, of kind `project`, on one named project;
 * - a system robot may hold one `system` permission (namespace `/`) and `project` permissions on
 *   named projects or on every project (`*`), each namespace once;
 * - every entry is a resource/action pair of the matching matrix, with effect allow or deny.
 * Whether the named projects exist is the caller's to check.
 */
export function normalizePermissions(level: RobotLevel, permissions: readonly PermissionInput[]): RobotPermission[] {
  if (permissions.length === 0) throw badRequest('a robot needs at least one permission');
  if (level === 'project' && permissions.length !== 1) throw badRequest('a project robot holds exactly one permission, for its own project');
  const seen = new Set<string>();
  let entries = 0;
  return permissions.map((permission) => {
    const { kind, namespace } = permission;
    if (kind !== 'project' && kind !== 'system') throw badRequest(`unknown permission kind ${JSON.stringify(kind)}: use project or system`);
    if (kind === 'system') {
      if (level !== 'system') throw badRequest('a project robot cannot hold system permissions');
      if (namespace !== '/') throw badRequest('the namespace of a system permission must be "/"');
    } else {
      if (namespace === '' || namespace === '/') throw badRequest('the namespace of a project permission must be a project name or "*"');
      if (namespace === '*' && level === 'project') throw badRequest('a project robot holds permissions on its own project only, not on "*"');
    }
    const key = `${kind}\u0000${namespace}`;
    if (seen.has(key)) throw badRequest(`the ${kind} permission for ${JSON.stringify(namespace)} is listed more than once`);
    seen.add(key);
    if (permission.access.length === 0) throw badRequest(`the permission for ${JSON.stringify(namespace)} grants no access`);
    entries += permission.access.length;
    if (entries > MAX_ACCESS_ENTRIES) throw badRequest(`a robot may hold at most ${MAX_ACCESS_ENTRIES} access entries`);
    const access: RobotPermission['access'] = [];
    const pairs = new Set<string>();
    for (const entry of permission.access) {
      const known = kind === 'system' ? isSystemPolicy(entry.resource, entry.action) : isProjectPolicy(entry.resource, entry.action);
      if (!known) throw badRequest(`unknown ${kind} permission ${JSON.stringify(`${entry.resource}:${entry.action}`)}`);
      const effect = entry.effect ?? 'allow';
      if (effect !== 'allow' && effect !== 'deny') throw badRequest(`invalid effect ${JSON.stringify(entry.effect)}: use allow or deny`);
      const pair = `${entry.resource}:${entry.action}:${effect}`;
      if (pairs.has(pair)) continue;
      pairs.add(pair);
      access.push({ resource: entry.resource, action: entry.action, effect });
    }
    return { kind, namespace, access };
  });
}

/**
 * What a permission would grant on `project` that the caller cannot do there: a robot is never
 * created (or changed) to hold more than its creator. Deny entries only take away, so they are
 * always fine.
 */
export function escalations(access: Access, project: ProjectRef, permission: RobotPermission): string[] {
  const over: string[] = [];
  for (const entry of permission.access) {
    if (entry.effect === 'deny') continue;
    if (!access.can(project, entry.resource as Resource, entry.action as Action)) over.push(`${entry.resource}:${entry.action}`);
  }
  return over;
}
