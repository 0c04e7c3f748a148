import { Access, actionsOf, ProjectRef, RESOURCES } from '@wharf/auth';

export interface Permission {
  resource: string;
  action: string;
}

/**
 * What the caller may do inside one project, in Harbor's namespace notation: `/project/<id>` for
 * the project itself and `/project/<id>/<resource>` for what is in it (relative: `.` and
 * `<resource>`).
 */
export function projectPermissions(access: Access, project: ProjectRef, relative: boolean): Permission[] {
  const namespace = `/project/${project.id}`;
  const permissions: Permission[] = [];
  for (const resource of RESOURCES) {
    for (const action of actionsOf(resource)) {
      if (!access.can(project, resource, action)) continue;
      const path = resource === 'project' ? (relative ? '.' : namespace) : relative ? resource : `${namespace}/${resource}`;
      permissions.push({ resource: path, action });
    }
  }
  return permissions;
}

/** The project id of a `/project/<id>` scope, or undefined for any other scope. */
export function projectIdOfScope(scope: string | undefined): number | undefined {
  const m = /^\/project\/(\d{1,10})\/?$/.exec(scope ?? '');
  return m ? Number(m[1]) : undefined;
}
