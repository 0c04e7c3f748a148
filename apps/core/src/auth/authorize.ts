import type { Access, Action, ProjectRef, Resource } from '@wharf/auth';
import { forbidden, unauthorized } from '../http/harbor-error';

/** Anonymous callers get 401; everyone else passes. */
export function requireAuthenticated(access: Access): void {
  if (access.isAnonymous) throw unauthorized();
}

/** 401 for anonymous callers, 403 for authenticated ones who are not system administrators. */
export function requireSysadmin(access: Access): void {
  requireAuthenticated(access);
  if (!access.isSysadmin) throw forbidden('system administrator privileges are required');
}

/** Harbor's system namespace (global labels, ...): 401 for anonymous callers, 403 for others without it. */
export function requireSystemAccess(access: Access, resource: string, action: Action): void {
  requireAuthenticated(access);
  if (!access.canSystem(resource, action)) throw forbidden(`not allowed to ${action} system ${resource}`);
}

/** The matrix decides; a refusal is 401 for anonymous callers and 403 for the others, as Harbor. */
export function requireProjectAccess(access: Access, project: ProjectRef, resource: Resource, action: Action): void {
  if (access.can(project, resource, action)) return;
  requireAuthenticated(access);
  throw forbidden(`not allowed to ${action} ${resource} of project ${project.name}`);
}

/** The name audit records and messages use for the caller. */
export function actorName(access: Access): string {
  const p = access.principal;
  return p.kind === 'user' ? p.username : p.kind === 'robot' ? p.name : 'anonymous';
}

/** The calling user's id, or undefined for robots and anonymous callers. */
export function userIdOf(access: Access): number | undefined {
  return access.principal.kind === 'user' ? access.principal.id : undefined;
}
