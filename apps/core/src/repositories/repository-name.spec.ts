import { HarborError } from '../http/harbor-error';
import { encodeRepositoryParam, fullRepositoryName, repositoryParam } from './repository-name';

describe('repository path parameters', () => {
  it('accepts the name decoded once (by the router) or twice', () => {
    // What the router hands over for a%252Fb and for a%2Fb.
    expect(repositoryParam('a%2Fb')).toBe('a/b');
    expect(repositoryParam('a%2fb%2Fc')).toBe('a/b/c');
    expect(repositoryParam('a/b')).toBe('a/b');
    expect(repositoryParam('app')).toBe('app');
  });

  it('builds the full name and refuses what cannot be a repository name', () => {
    expect(fullRepositoryName('team', 'a%2Fb')).toBe('team/a/b');
    for (const bad of ['A', 'a%2F%2Fb', '%E0%A4%A', 'a%2F', '..', 'a b', 'x'.repeat(300)]) {
      expect(() => fullRepositoryName('team', bad)).toThrow(HarborError);
    }
  });

  it('encodes slashes twice for links', () => {
    expect(encodeRepositoryParam('team/a/b')).toBe('a%252Fb');
    expect(encodeRepositoryParam('team/app')).toBe('app');
  });
});
