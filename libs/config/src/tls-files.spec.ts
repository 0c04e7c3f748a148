import { chmodSync, copyFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { inspectHarborConfig } from './load-harbor-config';
import { createTlsFixtures, type TlsFixtures } from './testing/tls-fixtures';

let tls: TlsFixtures;
beforeAll(() => {
  tls = createTlsFixtures();
});
afterAll(() => tls.remove());

function withHttps(certificate: string, privateKey: string, hostname = 'reg.example.com', options = {}) {
  const yaml = `hostname: ${hostname}\nharbor_admin_password: Harbor12345\nhttps:\n  port: 443\n  certificate: ${certificate}\n  private_key: ${privateKey}\n`;
  return inspectHarborConfig(yaml, tls.dir, options);
}

describe('https certificate and key', () => {
  it('accepts a matching certificate and key, resolving relative paths against the file’s directory', () => {
    const report = withHttps('server.crt', './server.key');
    expect(report.problems).toEqual([]);
    expect(report.notes).toEqual([]);
    expect(report.config?.https).toEqual({ port: 443, certificate: tls.certificate, private_key: tls.privateKey });
  });

  it('refuses the template’s placeholder paths', () => {
    const report = withHttps('/your/certificate/path', '/your/private/key/path');
    expect(report.problems).toEqual([
      expect.objectContaining({ key: 'https.certificate', reason: expect.stringMatching(/template's placeholder.*comment out the https section/), line: 5 }),
      expect.objectContaining({ key: 'https.private_key', reason: expect.stringMatching(/template's placeholder/), line: 6 }),
    ]);
  });

  it('refuses paths that do not exist', () => {
    const report = withHttps('/etc/ssl/reg.example.com.crt', join(tls.dir, 'missing.key'));
    expect(report.problems).toEqual([
      expect.objectContaining({ key: 'https.certificate', reason: 'the file /etc/ssl/reg.example.com.crt does not exist', line: 5 }),
      expect.objectContaining({ key: 'https.private_key', reason: `the file ${join(tls.dir, 'missing.key')} does not exist`, line: 6 }),
    ]);
  });

  it('refuses a directory and a path through a file', () => {
    const report = withHttps(tls.dir, join(tls.certificate, 'key'));
    expect(report.problems.map((p) => [p.key, p.reason])).toEqual([
      ['https.certificate', `${tls.dir} is a directory, not a file`],
      ['https.private_key', `the file ${join(tls.certificate, 'key')} does not exist`],
    ]);
  });

  // root reads any file whatever its mode, so only an unprivileged run can see EACCES.
  const unprivileged = process.getuid?.() !== 0;
  (unprivileged ? it : it.skip)('refuses files it may not read', () => {
    const locked = join(tls.dir, 'locked.key');
    copyFileSync(tls.privateKey, locked);
    chmodSync(locked, 0o000);
    expect(withHttps(tls.certificate, locked).problems).toEqual([expect.objectContaining({ key: 'https.private_key', reason: expect.stringMatching(/permission denied/) })]);
  });

  it('refuses files that are not PEM', () => {
    const der = join(tls.dir, 'not-pem.crt');
    writeFileSync(der, Buffer.from([0x30, 0x82, 0x01, 0x0a, 0x02]));
    const report = withHttps(der, der);
    expect(report.problems.map((p) => [p.key, p.reason])).toEqual([
      ['https.certificate', expect.stringMatching(/is not a PEM certificate/)],
      ['https.private_key', expect.stringMatching(/is not a PEM private key/)],
    ]);
  });

  it('refuses a broken PEM body', () => {
    const broken = join(tls.dir, 'broken.crt');
    writeFileSync(broken, '-----BEGIN CERTIFICATE-----\nnot base64 at all\n-----END CERTIFICATE-----\n');
    expect(withHttps(broken, tls.privateKey).problems).toEqual([
      expect.objectContaining({ key: 'https.certificate', reason: expect.stringMatching(/does not hold a valid certificate/) }),
    ]);
  });

  it('recognizes certificate and key swapped', () => {
    const report = withHttps(tls.privateKey, tls.certificate);
    expect(report.problems.map((p) => [p.key, p.reason])).toEqual([
      ['https.certificate', expect.stringMatching(/holds a private key, not a certificate \(are certificate and private_key swapped\?\)/)],
      ['https.private_key', expect.stringMatching(/holds a certificate, not a private key/)],
    ]);
  });

  it('refuses an encrypted key', () => {
    expect(withHttps(tls.certificate, tls.encryptedKey).problems).toEqual([
      expect.objectContaining({ key: 'https.private_key', reason: expect.stringMatching(/encrypted with a passphrase/) }),
    ]);
  });

  it('refuses a key that does not belong to the certificate', () => {
    expect(withHttps(tls.certificate, tls.otherKey).problems).toEqual([
      expect.objectContaining({ key: 'https.private_key', reason: `${tls.otherKey} is not the private key of the certificate in ${tls.certificate}` }),
    ]);
  });

  it('requires both paths when https is set', () => {
    const report = inspectHarborConfig('hostname: reg.example.com\nharbor_admin_password: Harbor12345\nhttps:\n  port: 443\n', '/');
    expect(report.problems.map((p) => [p.key, p.reason])).toEqual([
      ['https.certificate', expect.stringMatching(/^missing: /)],
      ['https.private_key', expect.stringMatching(/^missing: /)],
    ]);
  });

  it('refuses https.port equal to http.port', () => {
    const yaml = `hostname: reg.example.com\nharbor_admin_password: Harbor12345\nhttps:\n  port: 80\n  certificate: ${tls.certificate}\n  private_key: ${tls.privateKey}\n`;
    expect(inspectHarborConfig(yaml, '/').problems).toEqual([
      expect.objectContaining({ key: 'https.port', reason: 'port 80 is also used by http.port (by default); each port must be different' }),
    ]);
  });

  it('notes a certificate not issued for the hostname, or for the external_url’s host', () => {
    expect(withHttps(tls.certificate, tls.privateKey, 'other.example.com').notes).toEqual([
      expect.objectContaining({ key: 'https.certificate', reason: expect.stringMatching(/not issued for other\.example\.com/) }),
    ]);
    expect(withHttps(tls.certificate, tls.privateKey, '10.0.0.1').notes).toEqual([
      expect.objectContaining({ reason: expect.stringMatching(/not issued for 10\.0\.0\.1/) }),
    ]);
    const viaProxy = inspectHarborConfig(
      `hostname: other.example.com\nexternal_url: https://reg.example.com\nharbor_admin_password: Harbor12345\nhttps:\n  certificate: ${tls.certificate}\n  private_key: ${tls.privateKey}\n`,
      '/',
    );
    expect(viaProxy.problems).toEqual([]);
    expect(viaProxy.notes).toEqual([]);
  });

  it('notes an expired or not yet valid certificate', () => {
    const day = 24 * 3600 * 1000;
    expect(withHttps(tls.certificate, tls.privateKey, 'reg.example.com', { now: new Date(Date.now() + 60 * day) }).notes).toEqual([
      expect.objectContaining({ key: 'https.certificate', reason: expect.stringMatching(/expired on/) }),
    ]);
    expect(withHttps(tls.certificate, tls.privateKey, 'reg.example.com', { now: new Date(Date.now() - 2 * day) }).notes).toEqual([
      expect.objectContaining({ key: 'https.certificate', reason: expect.stringMatching(/not valid before/) }),
    ]);
  });
});
