import { envInt, envOneOf, envText, envUrl } from './env';

describe('environment settings', () => {
  it('treats unset and empty as the default', () => {
    expect(envText({}, 'A', 'd')).toBe('d');
    expect(envText({ A: '' }, 'A', 'd')).toBe('d');
    expect(envInt({ N: '' }, 'N', 7, 0, 10)).toBe(7);
  });

  it('reads integers within bounds and names the variable when not', () => {
    expect(envInt({ N: '3' }, 'N', 7, 0, 10)).toBe(3);
    expect(() => envInt({ N: '3.5' }, 'N', 7, 0, 10)).toThrow('invalid N: "3.5" is not an integer');
    expect(() => envInt({ N: '11' }, 'N', 7, 0, 10)).toThrow('invalid N: 11 is not between 0 and 10');
  });

  it('accepts only listed values', () => {
    expect(envOneOf({ L: 'warn' }, 'L', 'info', ['info', 'warn'])).toBe('warn');
    expect(() => envOneOf({ L: 'loud' }, 'L', 'info', ['info', 'warn'])).toThrow('invalid L: "loud" is not one of info, warn');
  });

  it('accepts URLs of the allowed schemes only', () => {
    expect(envUrl({ U: 'redis://h:1/2' }, 'U', 'redis://x', ['redis:'])).toBe('redis://h:1/2');
    expect(() => envUrl({ U: 'http://h' }, 'U', 'redis://x', ['redis:', 'rediss:'])).toThrow('invalid U: the scheme must be one of redis, rediss');
    expect(() => envUrl({ U: 'not a url' }, 'U', 'redis://x', ['redis:'])).toThrow('invalid U: not a valid URL');
  });
});
