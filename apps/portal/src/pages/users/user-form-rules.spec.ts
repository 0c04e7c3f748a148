import { passwordMeetsRule, realnameAllowed, usernameAllowed } from './user-form-rules';

describe('passwordMeetsRule', () => {
  it.each(['Abcdefg1', 'Aa1' + 'x'.repeat(125), 'Pass word 1', '1234567aB!'])('accepts %s', (p) => expect(passwordMeetsRule(p)).toBe(true));
  it.each(['Abcdef1', 'Aa1' + 'x'.repeat(126), 'abcdefg1', 'ABCDEFG1', 'Abcdefgh', ''])('refuses %s', (p) => expect(passwordMeetsRule(p)).toBe(false));
});

describe('usernameAllowed', () => {
  it('accepts ordinary names', () => {
    for (const name of ['alice', 'bob.smith', 'dev_ops-1', 'Ärger']) expect(usernameAllowed(name)).toBe(true);
  });
  it('refuses empty, too long, reserved characters and white space', () => {
    for (const name of ['', 'x'.repeat(256), 'a,b', 'a~b', 'a#b', 'robot$x', 'a%b', 'a b', 'a:b', 'a/b', 'a\tb']) expect(usernameAllowed(name)).toBe(false);
  });
});

describe('realnameAllowed', () => {
  it('allows spaces but not the reserved characters', () => {
    expect(realnameAllowed('Alice Smith')).toBe(true);
    expect(realnameAllowed('')).toBe(false);
    expect(realnameAllowed('Alice, Smith')).toBe(false);
  });
});
