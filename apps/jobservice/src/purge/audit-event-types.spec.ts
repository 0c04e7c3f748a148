import { selectEventTypes } from './audit-event-types';

const names = (includeEventTypes: string) => selectEventTypes(includeEventTypes).kinds.map((k) => `${k.operation}/${k.resourceType}`);

describe('selectEventTypes', () => {
  it('reads Harbor’s event types, case and spaces ignored, Harbor’s member as project_member', () => {
    expect(names(' Create_Artifact, pull_artifact ,create_member')).toEqual(['create/artifact', 'create/project_member', 'pull/artifact']);
    expect(selectEventTypes('pull_artifact,PULL_ARTIFACT').accepted).toEqual(['pull_artifact']);
  });

  it('reads "other" as every type but the artifact ones', () => {
    const other = names('other');
    expect(other).toContain('login/user');
    expect(other).toContain('update/configuration');
    expect(other).toContain('delete/tag');
    expect(other).not.toContain('create/artifact');
    expect(other).not.toContain('delete/artifact');
    expect(other).not.toContain('pull/artifact');
    expect(names('other,pull_artifact')).toEqual([...other, 'pull/artifact'].sort());
  });

  it('reads the older operations as the rows the older table held', () => {
    expect(names('pull')).toEqual(['pull/artifact', 'pull/repository', 'pull/tag']);
    expect(names('delete,delete_artifact')).toEqual(['delete/artifact', 'delete/repository', 'delete/tag']);
  });

  it('selects nothing for an empty value and reports unknown names', () => {
    expect(selectEventTypes('')).toEqual({ kinds: [], accepted: [], ignored: [] });
    expect(selectEventTypes(' , ')).toEqual({ kinds: [], accepted: [], ignored: [] });
    expect(selectEventTypes('push_artifact,login_user,update,push_artifact')).toEqual({
      kinds: [{ operation: 'login', resourceType: 'user' }],
      accepted: ['login_user'],
      ignored: ['push_artifact', 'update'],
    });
  });
});
