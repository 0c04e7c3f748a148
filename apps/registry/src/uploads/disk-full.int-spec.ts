import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { Agent } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sendOverAgent, type SentAnswer } from '@wharf/http/testing';
import { abs, expectOciError, startUpload, stopRegistry, withDigest } from '../conformance/conformance-helpers';
import { makeImage, pushImage, RegistryHarness, sha256, startTestRegistry } from '../testing';

const MiB = 1024 * 1024;
const VOLUME_BYTES = 24 * MiB;

/** A body of `size` random bytes sent as a stream (no Content-Length), `piece` bytes at a time. */
function stream(size: number, piece = 256 * 1024): ReadableStream<Uint8Array> {
  let sent = 0;
  return new ReadableStream<Uint8Array>({
    pull(controller) {
      if (sent >= size) return controller.close();
      const n = Math.min(piece, size - sent);
      controller.enqueue(new Uint8Array(randomBytes(n)));
      sent += n;
    },
  });
}

const send = (url: string, method: string, agent: Agent, body?: Buffer) => sendOverAgent(url, { method, agent, body });

const isRoot = process.getuid?.() === 0;
if (!isRoot) console.warn('disk-full tests skipped: mounting a small tmpfs needs root');

/**
 * A registry whose data volume is a 24 MiB tmpfs: uploads that hit the end of the disk, the free
 * space reserve, and what the registry still does when its storage is full.
 */
(isRoot ? describe : describe.skip)('a full storage volume', () => {
  let volume: string;
  let r: RegistryHarness;

  async function used(): Promise<number> {
    const out = execFileSync('df', ['--output=used', '-B1', volume], { encoding: 'utf8' }).trim().split('\n');
    return Number(out[out.length - 1]);
  }

  async function uploadFiles(): Promise<{ name: string; size: number }[]> {
    const dir = join(volume, 'uploads');
    const names = await readdir(dir).catch(() => [] as string[]);
    return Promise.all(names.map(async (name) => ({ name, size: (await stat(join(dir, name))).size })));
  }

  async function start(reserveBytes: number): Promise<void> {
    r = await startTestRegistry({ dataDir: volume, storageReserveBytes: reserveBytes });
  }

  beforeEach(async () => {
    volume = await mkdtemp(join(tmpdir(), 'wharf-full-'));
    execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${VOLUME_BYTES}`, 'tmpfs', volume]);
  });

  afterEach(async () => {
    await stopRegistry(r);
    execFileSync('umount', ['-l', volume]);
    await rm(volume, { recursive: true, force: true });
  });

  it('answers a streamed upload that fills the disk with 507, keeps nothing of it, and the connection serves the next request', async () => {
    await start(0);
    const before = await used();
    const location = await startUpload(r.url, 'team/app');
    const patched = await fetch(location, { method: 'PATCH', body: stream(40 * MiB), duplex: 'half', headers: { 'Content-Type': 'application/octet-stream' } } as RequestInit);
    const body = await expectOciError(patched, 507, 'INSUFFICIENT_STORAGE');
    expect(body.errors[0]!.message).toMatch(/storage is full/);
    // The acknowledged offset is 0, and the partial file holds no bytes beyond it.
    const status = await fetch(location);
    expect(status.status).toBe(204);
    expect(status.headers.get('range')).toBe('0-0');
    expect((await uploadFiles()).map((f) => f.size)).toEqual([0]);
    expect(await used()).toBeLessThanOrEqual(before + 64 * 1024);
    // Cancelling frees the session.
    expect((await fetch(location, { method: 'DELETE' })).status).toBe(204);
    expect(await uploadFiles()).toEqual([]);
  });

  it('answers a monolithic upload past the free space with 507 on a connection that stays usable', async () => {
    await start(0);
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    try {
      const big = randomBytes(30 * MiB);
      const answers: SentAnswer[] = [];
      // Twice on one connection, then a pull of the API root: each must be answered.
      answers.push(await send(`${r.url}/v2/team/app/blobs/uploads/?digest=${sha256(big)}`, 'POST', agent, big));
      answers.push(await send(`${r.url}/v2/team/app/blobs/uploads/?digest=${sha256(big)}`, 'POST', agent, big));
      answers.push(await send(`${r.url}/v2/`, 'GET', agent));
      expect(answers.map((a) => a.status ?? a.error)).toEqual([507, 507, 200]);
      expect(JSON.parse(answers[0]!.body!)).toMatchObject({ errors: [{ code: 'INSUFFICIENT_STORAGE' }] });
      expect(await uploadFiles()).toEqual([]);
    } finally {
      agent.destroy();
    }
  });

  it('answers a small blob or a manifest that finds no room with 507, not 500', async () => {
    await start(0);
    // Nearly everything taken by something else on the volume.
    await writeFile(join(volume, 'filler'), Buffer.alloc(VOLUME_BYTES - 64 * 1024));
    const small = randomBytes(512 * 1024);
    const res = await fetch(`${r.url}/v2/team/app/blobs/uploads/?digest=${sha256(small)}`, { method: 'POST', body: new Uint8Array(small), headers: { 'Content-Type': 'application/octet-stream' } });
    await expectOciError(res, 507, 'INSUFFICIENT_STORAGE');
    const location = await startUpload(r.url, 'team/app');
    const put = await fetch(withDigest(location, sha256(small)), { method: 'PUT', body: new Uint8Array(small), headers: { 'Content-Type': 'application/octet-stream' } });
    await expectOciError(put, 507, 'INSUFFICIENT_STORAGE');
    expect(await uploadFiles()).toEqual([]);
  });

  it('refuses new uploads below the reserve, and still records manifests, deletes and reports the storage unhealthy', async () => {
    await start(12 * MiB);
    const image = makeImage({ layers: [randomBytes(2 * MiB)] });
    expect((await pushImage(r.url, 'team/app', image, 'v1')).status).toBe(201);
    expect(await (await fetch(`${r.url}/healthz`)).json()).toMatchObject({ status: 'healthy', components: [{ name: 'database', status: 'healthy' }, { name: 'storage', status: 'healthy' }] });

    await writeFile(join(volume, 'filler'), Buffer.alloc(10 * MiB));
    await new Promise((resolve) => setTimeout(resolve, 1100));
    const refused = await fetch(`${r.url}/v2/team/app/blobs/uploads/`, { method: 'POST' });
    const body = await expectOciError(refused, 507, 'INSUFFICIENT_STORAGE');
    expect(body.errors[0]!.message).toMatch(/MiB free, 12 MiB kept in reserve/);
    const declared = randomBytes(1024);
    await expectOciError(
      await fetch(`${r.url}/v2/team/app/blobs/uploads/?digest=${sha256(declared)}`, { method: 'POST', body: new Uint8Array(declared), headers: { 'Content-Type': 'application/octet-stream' } }),
      507,
      'INSUFFICIENT_STORAGE',
    );
    // Metadata writes and deletes go on: another tag for the image, then deleting the image.
    const manifest = await fetch(`${r.url}/v2/team/app/manifests/v2`, { method: 'PUT', body: new Uint8Array(image.manifest), headers: { 'Content-Type': image.mediaType } });
    expect(manifest.status).toBe(201);
    expect((await fetch(`${r.url}/v2/team/app/manifests/${image.digest}`, { method: 'DELETE' })).status).toBe(202);
    // Pulls go on too, and the health check says why uploads are refused without taking the registry out.
    const health = await fetch(`${r.url}/healthz`);
    expect(health.status).toBe(200);
    expect(await health.json()).toMatchObject({
      status: 'unhealthy',
      components: [{ name: 'database', status: 'healthy' }, { name: 'storage', status: 'unhealthy', error: expect.stringMatching(/below the 12\.0 MiB reserve|below the 12 MiB reserve/) }],
    });

    // Space freed: uploads are accepted again.
    await rm(join(volume, 'filler'));
    await new Promise((resolve) => setTimeout(resolve, 1100));
    expect((await fetch(`${r.url}/v2/team/app/blobs/uploads/`, { method: 'POST' })).status).toBe(202);
  });

  it('gives back a session whose cancel comes after a failed write, even with nothing acknowledged', async () => {
    await start(0);
    const location = await startUpload(r.url, 'team/app');
    const first = randomBytes(4 * MiB);
    const chunk = await fetch(location, { method: 'PATCH', body: new Uint8Array(first), headers: { 'Content-Type': 'application/octet-stream', 'Content-Range': `0-${first.length - 1}` } });
    expect(chunk.status).toBe(202);
    const next = abs(r.url, chunk.headers.get('location'));
    const failed = await fetch(next, { method: 'PATCH', body: stream(40 * MiB), duplex: 'half', headers: { 'Content-Type': 'application/octet-stream' } } as RequestInit);
    await expectOciError(failed, 507, 'INSUFFICIENT_STORAGE');
    // The first chunk stays (acknowledged); nothing of the failed one does.
    expect((await uploadFiles()).map((f) => f.size)).toEqual([first.length]);
    expect((await fetch(next, { method: 'DELETE' })).status).toBe(204);
    expect(await uploadFiles()).toEqual([]);
  });
});
