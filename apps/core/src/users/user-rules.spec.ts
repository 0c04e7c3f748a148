import { profileProblem, usernameProblem } from './user-rules';

describe('usernameProblem', () => {
  it('accepts ordinary names', () => {
    for (const name of ['alice', 'Bob.Smith', 'dev-01', 'a_b', 'x'.repeat(255)]) expect(usernameProblem(name, 'robot$')).toBeUndefined();
  });

  it('refuses empty, long, reserved and robot-like names', () => {
    for (const name of ['', 'x'.repeat(256), 'a,b', 'a~b', 'a#b', 'a$b', 'a%b', 'a b', 'a:b', 'a/b']) {
      expect(usernameProblem(name, 'robot$')).toBeDefined();
    }
    expect(usernameProblem('bot_ci', 'bot_')).toMatch(/robot account prefix/);
  });
});

describe('profileProblem', () => {
  const ok = { email: 'alice@example.com', realname: 'Alice', comment: '' };

  it('accepts a complete profile', () => {
    expect(profileProblem(ok)).toBeUndefined();
  });

  it('names what is wrong', () => {
    expect(profileProblem({ ...ok, email: '' })).toMatch(/email/);
    expect(profileProblem({ ...ok, email: 'not-an-email' })).toMatch(/email/);
    expect(profileProblem({ ...ok, email: 'a@b' })).toMatch(/email/);
    expect(profileProblem({ ...ok, realname: '' })).toMatch(/realname/);
    expect(profileProblem({ ...ok, realname: 'A#' })).toMatch(/realname/);
    expect(profileProblem({ ...ok, comment: 'x'.repeat(31) })).toMatch(/comment/);
  });
});
