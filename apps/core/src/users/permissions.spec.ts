import { Access, ProjectRole } from '@wharf/auth';
import { projectIdOfScope, projectPermissions } from './permissions';

const project = { id: 7, name: 'team', public: false };

describe('projectPermissions', () => {
  it('lists what the role allows, absolute or relative', () => {
    const guest = new Access({ kind: 'user', id: 2, username: 'g', sysadmin: false, roles: new Map([[7, ProjectRole.Guest]]) });
    const absolute = projectPermissions(guest, project, false);
    expect(absolute).toContainEqual({ resource: '/project/7', action: 'read' });
    expect(absolute).toContainEqual({ resource: '/project/7/repository', action: 'pull' });
    expect(absolute).not.toContainEqual({ resource: '/project/7/repository', action: 'push' });
    const relative = projectPermissions(guest, project, true);
    expect(relative).toContainEqual({ resource: '.', action: 'read' });
    expect(relative).toContainEqual({ resource: 'member', action: 'list' });
    expect(relative).not.toContainEqual({ resource: 'member', action: 'create' });
  });

  it('gives a stranger nothing in a private project', () => {
    const stranger = new Access({ kind: 'user', id: 3, username: 's', sysadmin: false, roles: new Map() });
    expect(projectPermissions(stranger, project, true)).toEqual([]);
  });
});

describe('projectIdOfScope', () => {
  it('reads /project/<id> only', () => {
    expect(projectIdOfScope('/project/12')).toBe(12);
    expect(projectIdOfScope('/project/12/')).toBe(12);
    expect(projectIdOfScope('/system')).toBeUndefined();
    expect(projectIdOfScope(undefined)).toBeUndefined();
  });
});
