import { execFile, spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { chown, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, ServerProcess } from './server-process';

export interface PrivatePostgres {
  /** `postgres://postgres@127.0.0.1:PORT`: append `/<database>`. */
  url: string;
  port: number;
  /** SIGSTOP to the postmaster and every backend: connections stay open, nothing is answered. */
  freeze(): void;
  thaw(): void;
  /** Fast shutdown (SIGINT): sessions are terminated, new connections refused. */
  stop(): Promise<void>;
  /** Starts the stopped cluster again on the same port. */
  start(): Promise<void>;
  /** Stops the server and removes the cluster. */
  dispose(): Promise<void>;
}

/** Debian keeps the server programs off PATH, in /usr/lib/postgresql/<major>/bin: the newest. */
function binDir(): string {
  const given = process.env['WHARF_TEST_PG_BIN'];
  if (given) return given;
  const root = '/usr/lib/postgresql';
  const majors = existsSync(root) ? readdirSync(root).filter((v) => /^\d+$/.test(v) && existsSync(join(root, v, 'bin', 'postgres'))) : [];
  if (majors.length === 0) throw new Error(`no PostgreSQL server programs under ${root} (set WHARF_TEST_PG_BIN)`);
  return join(root, majors.sort((a, b) => Number(b) - Number(a))[0], 'bin');
}

/** PostgreSQL refuses to run as root: then it runs as the system user `postgres`. */
function runAs(): { uid: number; gid: number } | undefined {
  if (process.getuid?.() !== 0) return undefined;
  const id = (flag: string) => spawnSync('id', [flag, 'postgres'], { encoding: 'utf8' });
  const uid = id('-u');
  const gid = id('-g');
  if (uid.status !== 0 || gid.status !== 0) throw new Error('running as root, and the system user "postgres" does not exist');
  return { uid: Number(uid.stdout.trim()), gid: Number(gid.stdout.trim()) };
}

function run(file: string, args: string[], user: { uid: number; gid: number } | undefined): Promise<void> {
  return new Promise((resolve, reject) => {
    execFile(file, args, { ...user, cwd: '/', env: { ...process.env, LC_ALL: 'C' } }, (err, stdout, stderr) =>
      err ? reject(new Error(`${file} failed: ${err.message}\n${stderr}${stdout}`)) : resolve(),
    );
  });
}

/**
 * A PostgreSQL cluster of one test's own (initdb into a temporary directory, trust
 * authentication, about 3 s), listening on a free loopback port: for tests that stop or freeze
 * the database (never the machine's own).
 */
export async function startPrivatePostgres(): Promise<PrivatePostgres> {
  const bin = binDir();
  const user = runAs();
  const dir = await mkdtemp(join(tmpdir(), 'wharf-pg-'));
  if (user) await chown(dir, user.uid, user.gid);
  const data = join(dir, 'data');
  let server: ServerProcess | undefined;
  let port = 0;

  const start = async (): Promise<void> => {
    const candidate = server;
    if (candidate?.running) return;
    // fsync off: the cluster is thrown away, and tests need not wait for the disk.
    const args = ['-D', data, '-p', String(port), '-c', 'listen_addresses=127.0.0.1', '-k', dir, '-c', 'fsync=off', '-c', 'max_connections=200'];
    const started = ServerProcess.spawn('postgres', join(bin, 'postgres'), args, { ...user, cwd: dir, env: { ...process.env, LC_ALL: 'C' } });
    server = started;
    await started.waitUntil(() => run(join(bin, 'pg_isready'), ['-q', '-h', '127.0.0.1', '-p', String(port)], undefined).then(() => true));
  };

  try {
    await run(join(bin, 'initdb'), ['-D', data, '-U', 'postgres', '--auth=trust', '-E', 'UTF8', '--locale=C', '--no-sync'], user);
    for (let attempt = 0; ; attempt++) {
      port = await freePort();
      try {
        await start();
        break;
      } catch (err) {
        if (attempt < 4 && /could not bind|already in use/i.test(server?.logs() ?? '')) continue;
        throw err;
      }
    }
  } catch (err) {
    await server?.kill();
    await rm(dir, { recursive: true, force: true });
    throw err;
  }

  return {
    url: `postgres://postgres@127.0.0.1:${port}`,
    port,
    freeze: () => server?.freeze(),
    thaw: () => server?.thaw(),
    stop: async () => server?.stop('SIGINT'),
    start,
    async dispose() {
      await server?.stop('SIGINT');
      await rm(dir, { recursive: true, force: true });
    },
  };
}
