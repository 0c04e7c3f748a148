import { isDigest, pullCommand, pullReference, registryHost } from './pull-command';

const DIGEST = 'sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef';

describe('pull commands', () => {
  it('pulls by tag with docker and podman', () => {
    expect(pullCommand('docker', 'registry.example.com', 'library/nginx', 'latest')).toBe('docker pull registry.example.com/library/nginx:latest');
    expect(pullCommand('podman', 'registry.example.com', 'library/nginx', '1.27.0-alpine')).toBe('podman pull registry.example.com/library/nginx:1.27.0-alpine');
  });

  it('pulls by digest with @', () => {
    expect(pullCommand('docker', 'registry.example.com', 'p/a/b', DIGEST)).toBe(`docker pull registry.example.com/p/a/b@${DIGEST}`);
    expect(pullCommand('podman', 'registry.example.com', 'p/a/b', DIGEST)).toBe(`podman pull registry.example.com/p/a/b@${DIGEST}`);
  });

  it('keeps a port of the host', () => {
    expect(pullReference('127.0.0.1:8099', 'demo/app', 'v1')).toBe('127.0.0.1:8099/demo/app:v1');
    expect(pullReference('localhost:5000', 'demo/app', DIGEST)).toBe(`localhost:5000/demo/app@${DIGEST}`);
  });

  it('brackets IPv6 hosts', () => {
    expect(registryHost('[::1]:8443')).toBe('[::1]:8443');
    expect(registryHost('[fd00::5]')).toBe('[fd00::5]');
    expect(registryHost('fd00::5')).toBe('[fd00::5]');
    expect(pullReference('[::1]:8443', 'demo/app', 'v1')).toBe('[::1]:8443/demo/app:v1');
  });

  it('does not take a tag that looks like a digest for a digest, or the reverse', () => {
    expect(isDigest(DIGEST)).toBe(true);
    expect(isDigest('sha256:abc')).toBe(false);
    expect(isDigest('latest')).toBe(false);
    expect(() => pullReference('h', 'p/r', 'sha256:abc')).toThrow(/not a tag or a digest/);
  });

  it('refuses empty hosts, names and references that no client would take', () => {
    expect(() => pullReference('', 'p/r', 'v1')).toThrow(/host/);
    expect(() => pullReference('h', '', 'v1')).toThrow(/repository/);
    expect(() => pullReference('h', 'p/r', '-bad')).toThrow(/not a tag/);
    expect(() => pullReference('h', 'p/r', 'a b')).toThrow(/not a tag/);
  });
});
