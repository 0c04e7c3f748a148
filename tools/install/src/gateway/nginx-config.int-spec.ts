import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { testNginxConfig } from './nginx-command';
import { GatewayOptions, renderNginxConfig } from './nginx-config';

/** `nginx -t` (Debian's nginx) on rendered files: every shape of options nginx accepts. */
describe('nginx -t on the rendered config', () => {
  let dir: string;
  let prefix: string;
  let cert: string;
  let key: string;

  const options = (): GatewayOptions => ({
    prefix,
    hostname: 'registry.example.com',
    httpPort: 8080,
    coreUpstream: '127.0.0.1:8081',
    registryUpstream: '127.0.0.1:5001',
    blobRoot: join(dir, 'data dir', 'registry'),
    accessLog: join(dir, 'logs', 'gateway access.log'),
    errorLog: join(dir, 'logs', 'gateway-error.log'),
  });
  const check = (o: GatewayOptions) => {
    writeFileSync(join(prefix, 'nginx.conf'), renderNginxConfig(o));
    return testNginxConfig(prefix);
  };

  beforeAll(() => {
    // Spaces in every path the config names: they must be quoted.
    dir = mkdtempSync(join(tmpdir(), 'wharf gateway '));
    prefix = join(dir, 'nginx prefix');
    mkdirSync(prefix);
    mkdirSync(join(dir, 'logs'));
    cert = join(dir, 'server cert.pem');
    key = join(dir, 'server key.pem');
    execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '1', '-subj', '/CN=registry.example.com', '-keyout', key, '-out', cert], { stdio: 'ignore' });
  });
  afterAll(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('http only', () => {
    const r = check(options());
    expect(r.output).toContain('test is successful');
    expect(r.ok).toBe(true);
  });

  it('https, the console, unix socket upstreams, a listen address, workers and user', () => {
    const r = check({
      ...options(),
      https: { port: 8443, certificate: cert, privateKey: key },
      portalRoot: join(dir, 'data dir', 'run', 'portal'),
      coreUpstream: 'unix:/run/wharf/core.sock',
      listenAddress: '127.0.0.1',
      workerProcesses: 2,
      user: 'root',
    });
    expect(r.output).toContain('test is successful');
    expect(r.ok).toBe(true);
  });

  it('fails with nginx own reason when the certificate is missing', () => {
    const r = check({ ...options(), https: { port: 8443, certificate: join(dir, 'missing.pem'), privateKey: key } });
    expect(r.ok).toBe(false);
    expect(r.output).toMatch(/missing\.pem/);
  });
});
