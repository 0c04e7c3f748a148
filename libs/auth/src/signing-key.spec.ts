import { spawn } from 'node:child_process';
import { KeyObject } from 'node:crypto';
import { mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { transformFileSync } from '@swc/core';
import { loadOrCreateSigningKey } from './signing-key';
import { keyId } from './token';

// Generating 3072-bit RSA keys takes up to a second each on this machine; the races below make
// several of them on purpose.
jest.setTimeout(60_000);

function pem(key: KeyObject): string {
  return key.export({ type: 'pkcs8', format: 'pem' }) as string;
}

describe('loadOrCreateSigningKey', () => {
  let dir: string;

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'wharf-key-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('creates a private RSA key readable by its owner only, in a directory it creates', async () => {
    const path = join(dir, 'nested', 'deeper', 'token.key');
    const key = await loadOrCreateSigningKey(path);
    expect(key.type).toBe('private');
    expect(key.asymmetricKeyType).toBe('rsa');
    expect(key.asymmetricKeyDetails?.modulusLength).toBe(3072);
    expect((await stat(path)).mode & 0o777).toBe(0o600);
    expect(await readFile(path, 'utf8')).toBe(pem(key));
    expect(await readdir(join(dir, 'nested', 'deeper'))).toEqual(['token.key']);
  });

  it('returns the same key on the next call', async () => {
    const path = join(dir, 'token.key');
    const first = await loadOrCreateSigningKey(path);
    const second = await loadOrCreateSigningKey(path);
    expect(pem(second)).toBe(pem(first));
  });

  it('uses a key that is already there', async () => {
    const path = join(dir, 'token.key');
    const made = await loadOrCreateSigningKey(join(dir, 'elsewhere.key'));
    await writeFile(path, pem(made), { mode: 0o600 });
    expect(keyId(await loadOrCreateSigningKey(path))).toBe(keyId(made));
  });

  it('refuses a file that is not a key instead of replacing it', async () => {
    const path = join(dir, 'token.key');
    await writeFile(path, 'not a key');
    await expect(loadOrCreateSigningKey(path)).rejects.toThrow();
    expect(await readFile(path, 'utf8')).toBe('not a key');
  });

  it('gives 8 concurrent callers one and the same key, and leaves no temporary files', async () => {
    const path = join(dir, 'token.key');
    const keys = await Promise.all(Array.from({ length: 8 }, () => loadOrCreateSigningKey(path)));
    const published = await readFile(path, 'utf8');
    expect(new Set(keys.map(pem))).toEqual(new Set([published]));
    expect(await readdir(dir)).toEqual(['token.key']);
  });

  it('gives 3 processes racing on first start one and the same key', async () => {
    // The children run the real module: signing-key.ts compiled on the spot (it imports only node:*).
    const compiled = join(dir, 'signing-key.js');
    const { code } = transformFileSync(join(__dirname, 'signing-key.ts'), {
      jsc: { parser: { syntax: 'typescript' }, target: 'es2022' },
      module: { type: 'commonjs' },
    });
    await writeFile(compiled, code);
    const path = join(dir, 'keys', 'token.key');
    const script = `require(${JSON.stringify(compiled)}).loadOrCreateSigningKey(${JSON.stringify(path)})
      .then((k) => process.stdout.write(k.export({ type: 'pkcs8', format: 'pem' })))
      .catch((e) => { console.error(e); process.exit(1); });`;
    const run = () =>
      new Promise<string>((resolve, reject) => {
        const child = spawn(process.execPath, ['-e', script], { stdio: ['ignore', 'pipe', 'pipe'] });
        let out = '';
        let err = '';
        child.stdout.on('data', (d: Buffer) => (out += d.toString()));
        child.stderr.on('data', (d: Buffer) => (err += d.toString()));
        child.on('error', reject);
        child.on('exit', (status) => (status === 0 ? resolve(out) : reject(new Error(`child exited with ${status}: ${err}`))));
      });
    const results = await Promise.all([run(), run(), run()]);
    const published = await readFile(path, 'utf8');
    expect(published).toMatch(/^-----BEGIN PRIVATE KEY-----/);
    expect(results).toEqual([published, published, published]);
    expect(await readdir(join(dir, 'keys'))).toEqual(['token.key']);
    expect((await stat(path)).mode & 0o777).toBe(0o600);
  });
});
