import { FilesystemDriver, type StorageDriver } from '@wharf/storage';
import { loadConfig } from '../config';
import { accelUri } from './accel-uri';

const HEX = 'ab'.repeat(32);

describe('REGISTRY_ACCEL_PREFIX', () => {
  it('is off unless set', () => {
    expect(loadConfig({}).accelPrefix).toBeUndefined();
    expect(loadConfig({ REGISTRY_ACCEL_PREFIX: '' }).accelPrefix).toBeUndefined();
  });

  it.each([
    ['/_wharf_blobs', '/_wharf_blobs'],
    ['/_wharf_blobs/', '/_wharf_blobs'],
    ['/internal/blobs', '/internal/blobs'],
  ])('accepts %s as %s', (raw, prefix) => {
    expect(loadConfig({ REGISTRY_ACCEL_PREFIX: raw }).accelPrefix).toBe(prefix);
  });

  it.each(['_wharf_blobs', '/', '/with space', '/a/../b', '/.hidden', '/x\ny', '/a?b', 'http://x/blobs', '/a;b'])('refuses %j, naming the variable', (raw) => {
    expect(() => loadConfig({ REGISTRY_ACCEL_PREFIX: raw })).toThrow(/REGISTRY_ACCEL_PREFIX/);
  });
});

describe('accelUri', () => {
  const fs = new FilesystemDriver('/srv/wharf/registry');

  it('is the prefix plus the file path below DATA_DIR/blobs', () => {
    expect(accelUri('/_wharf_blobs', fs, '/srv/wharf/registry', `sha256:${HEX}`)).toBe(`/_wharf_blobs/sha256/ab/${HEX}`);
    const hex512 = 'c3'.repeat(64);
    expect(accelUri('/p', fs, '/srv/wharf/registry/', `sha512:${hex512}`)).toBe(`/p/sha512/c3/${hex512}`);
  });

  it('is undefined for a driver without local files, or files outside DATA_DIR/blobs', () => {
    const remote = { name: 's3' } as StorageDriver;
    expect(accelUri('/_wharf_blobs', remote, '/srv/wharf/registry', `sha256:${HEX}`)).toBeUndefined();
    expect(accelUri('/_wharf_blobs', fs, '/elsewhere', `sha256:${HEX}`)).toBeUndefined();
  });

  it('refuses a malformed digest (the driver validates it before any path is built)', () => {
    expect(() => accelUri('/_wharf_blobs', fs, '/srv/wharf/registry', 'sha256:../../etc/passwd')).toThrow();
  });
});
