import { projectNameProblem } from './project-name';

describe('projectNameProblem', () => {
  it('accepts Harbor project names', () => {
    for (const name of ['library', 'a', '0', 'team-a', 'team.a_b', 'x1-y2.z3', 'a'.repeat(255)]) expect(projectNameProblem(name)).toBeUndefined();
  });

  it('refuses everything else', () => {
    for (const name of ['', 'Library', '-a', 'a-', '_a', 'a..b', 'a b', 'a/b', 'ä', 'a'.repeat(256), 'a:b']) {
      expect(projectNameProblem(name)).toBeDefined();
    }
  });
});
