import { LIST_PAGES, selectPages } from './pages';

describe('the list pages', () => {
  const places = { projectId: 42, projectName: 'bench-console-0001', repository: 'many-artifacts' };

  it("are Harbor's portal paths, with the project's id and the repository's name encoded as one segment", () => {
    const paths = Object.fromEntries(LIST_PAGES.map((p) => [p.name, p.path(places)]));
    expect(paths).toEqual({
      projects: '/harbor/projects',
      repositories: '/harbor/projects/42/repositories',
      artifacts: '/harbor/projects/42/repositories/many-artifacts',
      users: '/harbor/users',
      logs: '/harbor/logs',
      gc: '/harbor/clearing-job',
      members: '/harbor/projects/42/members',
      robots: '/harbor/projects/42/robot-accounts',
    });
    const nested = LIST_PAGES.find((p) => p.name === 'artifacts')?.path({ ...places, repository: 'team/app' });
    expect(nested).toBe('/harbor/projects/42/repositories/team%2Fapp');
  });

  it('are selected by name in the table order, unknown names refused', () => {
    expect(selectPages(undefined)).toHaveLength(LIST_PAGES.length);
    expect(selectPages(['users', 'projects']).map((p) => p.name)).toEqual(['projects', 'users']);
    expect(() => selectPages(['projects', 'tags'])).toThrow(/no page "tags"/);
  });
});
