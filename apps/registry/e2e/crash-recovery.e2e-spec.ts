import { createHash } from 'node:crypto';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { Client } from 'pg';
import { buildImage, compareLayout, DEST_INSECURE, dockerRef, faithfulCopyOf, Image, INSECURE, killRunningSkopeo, randomLayer, RegistryProcess, skopeo, skopeoOk, SkopeoResult, SRC_INSECURE, writeLayout } from '@wharf/testing';

/**
 * Crash consistency with real clients: 20 skopeo pushes run against a two-worker registry, which
 * is SIGKILLed (primary and workers together) while some pushes are mid-flight. After a restart on
 * the same database and data directory, whatever a client was told succeeded must be there intact,
 * whatever failed must be absent or intact, and no blob the database records may be partial.
 *
 * The tests below are the phases of one scenario and run in order.
 */

const KiB = 1024;
const MiB = 1024 * KiB;
const COUNT = 20;
const REPO = 'crash/app';
/** Kill as soon as this many pushes have succeeded: the rest are still transferring. */
const KILL_AFTER_SUCCESSES = 3;

interface Push {
  tag: string;
  image: Image;
  layout: string;
  result?: SkopeoResult;
  /** Whether skopeo had exited before the SIGKILL was sent. */
  doneBeforeKill?: boolean;
}

async function mapLimit<T, R>(items: T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i]);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return out;
}

describe('crash: SIGKILL of the registry cluster during 20 concurrent skopeo pushes', () => {
  let registry: RegistryProcess;
  let work: string;
  const pushes: Push[] = [];
  const succeeded = () => pushes.filter((p) => p.result?.code === 0);
  const failed = () => pushes.filter((p) => p.result !== undefined && p.result.code !== 0);
  const ref = (reference: string) => dockerRef(registry.host, REPO, reference);

  async function pullAndCompare(p: Push): Promise<{ tag: string; comparison: unknown }> {
    const dir = await mkdtemp(join(work, `pull-${p.tag}-`));
    const res = await skopeo(['copy', SRC_INSECURE, '--preserve-digests', ref(p.tag), `oci:${dir}:${p.tag}`], { timeoutMs: 60_000 });
    const comparison = res.code === 0 ? await compareLayout(dir, p.tag, p.image) : { pullFailed: res.stderr.trim() };
    await rm(dir, { recursive: true, force: true });
    return { tag: p.tag, comparison };
  }

  const faithful = (p: Push) => ({ tag: p.tag, comparison: faithfulCopyOf(p.image) });

  beforeAll(async () => {
    work = await mkdtemp(join(tmpdir(), 'wharf-e2e-crash-'));
    const starting = RegistryProcess.start({ workers: 2, detached: true });
    for (let i = 0; i < COUNT; i++) {
      const tag = `img-${String(i).padStart(2, '0')}`;
      // Sizes grow with i, so pushes finish one after another rather than all at once.
      const image = buildImage({
        label: tag,
        gzipLevel: 1,
        layers: [
          [{ type: 'file', path: 'etc/hostname', data: `${tag}\n` }],
          randomLayer('a.bin', 1 * MiB + i * 110 * KiB),
          randomLayer('b.bin', 1 * MiB + ((i * 7) % COUNT) * 100 * KiB),
        ],
      });
      const layout = join(work, `src-${tag}`);
      await writeLayout(layout, { [tag]: image });
      pushes.push({ tag, image, layout });
    }
    registry = await starting;
  }, 90_000);

  afterAll(async () => {
    killRunningSkopeo();
    await registry?.dispose();
    if (work) await rm(work, { recursive: true, force: true });
  }, 30_000);

  it('SIGKILL of the primary and both workers mid-push leaves no registry process behind', async () => {
    let killed = false;
    let successes = 0;
    let onEnough: () => void = () => undefined;
    const enough = new Promise<void>((r) => (onEnough = r));
    const running = pushes.map((p) =>
      skopeo(['copy', DEST_INSECURE, '--preserve-digests', `oci:${p.layout}:${p.tag}`, ref(p.tag)], { timeoutMs: 90_000 }).then((result) => {
        p.result = result;
        p.doneBeforeKill = !killed;
        if (result.code === 0 && ++successes >= KILL_AFTER_SUCCESSES) onEnough();
      }),
    );
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([enough, Promise.all(running), new Promise((r) => (timer = setTimeout(r, 60_000)))]);
    clearTimeout(timer);

    const pids = registry.pids();
    const aliveBefore = registry.survivors().sort();
    killed = true;
    await registry.kill();
    const aliveAfter = registry.survivors();
    // The pushes still in flight now fail on their own (connection refused or reset).
    await Promise.all(running);

    // The primary and the two workers that logged "listening", all alive until the kill, none after.
    expect(pids).toHaveLength(3);
    expect(aliveBefore).toEqual([...pids].sort());
    expect(aliveAfter).toEqual([]);
    const summary = pushes.map((p) => ({ tag: p.tag, code: p.result?.code, beforeKill: p.doneBeforeKill }));
    // A crash test where nothing was in flight tests nothing.
    expect({ succeeded: succeeded().length >= KILL_AFTER_SUCCESSES, someFailed: failed().length > 0, summary }).toEqual({
      succeeded: true,
      someFailed: true,
      summary,
    });
  });

  it('restarts on the same database and data directory', async () => {
    await registry.restart();
    const res = await fetch(`${registry.url}/v2/`);
    expect(res.status).toBe(200);
  });

  it('every push that reported success pulls back with identical manifest and blobs', async () => {
    const ok = succeeded();
    expect(ok.length).toBeGreaterThan(0);
    const results = await mapLimit(ok, 4, pullAndCompare);
    expect(results).toEqual(ok.map(faithful));
  });

  it('every push that failed is either absent or intact, never partial', async () => {
    const outcomes = await mapLimit(failed(), 4, async (p) => {
      const inspect = await skopeo(['inspect', INSECURE, '--raw', ref(p.tag)]);
      if (inspect.code !== 0) {
        return { tag: p.tag, outcome: /manifest unknown/i.test(inspect.stderr) ? 'absent' : `inspect failed: ${inspect.stderr.trim()}` };
      }
      const pulled = await pullAndCompare(p);
      return { tag: p.tag, outcome: JSON.stringify(pulled) === JSON.stringify(faithful(p)) ? 'intact' : pulled };
    });
    for (const o of outcomes) expect(o).toEqual({ tag: o.tag, outcome: expect.stringMatching(/^(absent|intact)$/) });

    // The tag list agrees: exactly the successes plus the failures whose manifest landed.
    const expectedTags = [...succeeded().map((p) => p.tag), ...outcomes.filter((o) => o.outcome === 'intact').map((o) => o.tag)].sort();
    const listed = JSON.parse((await skopeoOk(['list-tags', INSECURE, `docker://${registry.host}/${REPO}`])).stdout) as { Tags: string[] };
    expect(listed.Tags).toEqual(expectedTags);
  });

  it('every blob the database records is served whole: right size, sha256 equal to its digest', async () => {
    const client = new Client({ connectionString: registry.db.url });
    await client.connect();
    let rows: { digest: string; size: string; repository: string | null }[];
    try {
      ({ rows } = await client.query<{ digest: string; size: string; repository: string | null }>(
        `SELECT b.digest, b.size::text AS size,
                (SELECT r.name FROM repository_blob rb JOIN repository r ON r.id = rb.repository_id
                  WHERE rb.blob_id = b.id ORDER BY r.name LIMIT 1) AS repository
           FROM blob b ORDER BY b.digest`,
      ));
    } finally {
      await client.end();
    }
    // At least the config and layers of every successful push.
    expect(rows.length).toBeGreaterThanOrEqual(succeeded().length * 3);

    const problems = (
      await mapLimit(rows, 4, async (row) => {
        if (!row.repository) return { digest: row.digest, problem: 'recorded but linked to no repository' };
        const hash = createHash('sha256');
        let size = 0;
        let header: string | null = null;
        try {
          // A short body behind a full Content-Length would otherwise wait for the server's keep-alive timeout.
          const res = await fetch(`${registry.url}/v2/${row.repository}/blobs/${row.digest}`, { signal: AbortSignal.timeout(15_000) });
          if (res.status !== 200) return { digest: row.digest, problem: `GET answered ${res.status}` };
          header = res.headers.get('content-length');
          for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
            hash.update(chunk);
            size += chunk.length;
          }
        } catch (err) {
          return { digest: row.digest, problem: `GET failed after ${size} of ${row.size} bytes: ${(err as Error).message}` };
        }
        const actual = `sha256:${hash.digest('hex')}`;
        if (size !== Number(row.size) || actual !== row.digest || header !== row.size) {
          return { digest: row.digest, problem: `recorded size ${row.size}, Content-Length ${header}, read ${size} bytes hashing to ${actual}` };
        }
        return null;
      })
    ).filter((p) => p !== null);
    expect(problems).toEqual([]);
  });

  it('no file under the data directory\'s blob paths is partial: each hashes to its own name', async () => {
    const files: string[] = [];
    const walk = async (dir: string): Promise<void> => {
      for (const e of await readdir(dir, { withFileTypes: true })) {
        if (e.isDirectory()) await walk(join(dir, e.name));
        else if (/^[0-9a-f]{64}$/.test(e.name)) files.push(join(dir, e.name));
      }
    };
    await walk(join(registry.dataDir, 'blobs'));
    // The committed layers and configs of the successful pushes at least.
    expect(files.length).toBeGreaterThanOrEqual(succeeded().length * 3);
    const partial: string[] = [];
    for (const file of files) {
      const name = basename(file);
      if (createHash('sha256').update(await readFile(file)).digest('hex') !== name) partial.push(file);
    }
    expect(partial).toEqual([]);
  });

  it('re-pushing the failed images after the restart succeeds, and they pull back intact', async () => {
    const retry = failed();
    const results = await mapLimit(retry, 5, (p) =>
      skopeo(['copy', DEST_INSECURE, '--preserve-digests', `oci:${p.layout}:${p.tag}`, ref(p.tag)], { timeoutMs: 90_000 }),
    );
    expect(results.map((r, i) => ({ tag: retry[i].tag, code: r.code, stderr: r.code === 0 ? '' : r.stderr.trim() }))).toEqual(
      retry.map((p) => ({ tag: p.tag, code: 0, stderr: '' })),
    );
    const pulled = await mapLimit(retry, 4, pullAndCompare);
    expect(pulled).toEqual(retry.map(faithful));

    const listed = JSON.parse((await skopeoOk(['list-tags', INSECURE, `docker://${registry.host}/${REPO}`])).stdout) as { Tags: string[] };
    expect(listed.Tags).toEqual(pushes.map((p) => p.tag).sort());
  });
});
