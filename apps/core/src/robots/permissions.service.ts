import { Injectable } from '@nestjs/common';
import { Access, ProjectRole } from '@wharf/auth';
import { requireAuthenticated } from '../auth/authorize';
import { forbidden } from '../http/harbor-error';
import { PermissionPair, projectPermissionCatalog, systemPermissionCatalog } from './robot-permissions';

/** Harbor's Permissions: each list only when not empty. */
export interface Permissions {
  system?: PermissionPair[];
  project?: PermissionPair[];
}

/**
 * GET /permissions: what robot accounts may be granted, for those who create them. As Harbor,
 * system administrators see both catalogues; users who administer some project (directly or
 * through a group) see the project one; everyone else is refused, robots included.
 */
@Injectable()
export class PermissionsService {
  catalog(access: Access): Permissions {
    requireAuthenticated(access);
    if (access.isSysadmin) return { system: systemPermissionCatalog(), project: projectPermissionCatalog() };
    const p = access.principal;
    const projectAdmin = p.kind === 'user' && [...p.roles.values()].includes(ProjectRole.ProjectAdmin);
    if (!projectAdmin) throw forbidden('only system administrators and project administrators may list the permissions');
    return { project: projectPermissionCatalog() };
  }
}
