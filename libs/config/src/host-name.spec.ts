import { hostProblem, isLoopback } from './host-name';

describe('hostProblem', () => {
  it.each(['reg.example.com', 'localhost', 'a', 'xn--bcher-kva.example', '10.0.0.1', '::1', 'fe80::1', 'REG.Example.COM', 'a-b.c-d.e'])('accepts %s', (host) => {
    expect(hostProblem(host)).toBeUndefined();
  });

  it.each([
    ['http://reg.example.com', /scheme/],
    ['reg.example.com/v2', /path/],
    ['[::1]', /without brackets/],
    ['reg.example.com:5000', /port/],
    ['reg example.com', /white space/],
    ['reg..example.com', /empty label/],
    ['.example.com', /empty label/],
    ['-reg.example.com', /starts or ends with "-"/],
    ['reg_1.example.com', /"_" is not allowed/],
    ['256.1.1.1', /not a valid IP address/],
    ['example.123', /last label is a number/],
    [`${'a'.repeat(64)}.com`, /longer than 63/],
    [Array(60).fill('abcd').join('.'), /longer than 253/],
  ])('refuses %s', (host, reason) => {
    expect(hostProblem(host)).toMatch(reason);
  });
});

describe('isLoopback', () => {
  it.each([
    ['localhost', true],
    ['registry.localhost', true],
    ['127.0.0.1', true],
    ['127.1.2.3', true],
    ['::1', true],
    ['10.0.0.1', false],
    ['reg.example.com', false],
  ])('%s -> %s', (host, expected) => {
    expect(isLoopback(host)).toBe(expected);
  });
});
