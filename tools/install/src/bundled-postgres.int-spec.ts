import { chmodSync, mkdirSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import { postgresBinDir } from './binaries';
import { ensureCluster, ensureRoleAndDatabase, postgresUser, prepareDirectories, withTemporaryServer } from './bundled-postgres';
import { layoutOf, type Layout } from './layout';

/**
 * The bundled PostgreSQL as the installer sets it up, in a private cluster: the `wharf` role's
 * password is whatever harbor.yml says, whatever its characters, and a changed one replaces it.
 */

const binDir = postgresBinDir();
let root: string;
let layout: Layout;

/** Logs in as `wharf` over the installation's socket; resolves to the error code on refusal. */
async function login(password: string): Promise<'ok' | string> {
  const client = new Client({ host: layout.pgSocketDir, user: 'wharf', password, database: 'registry' });
  try {
    await client.connect();
    const { rows } = await client.query<{ user: string }>('SELECT current_user AS user');
    return rows[0].user === 'wharf' ? 'ok' : `connected as ${rows[0].user}`;
  } catch (err) {
    return (err as { code?: string }).code ?? (err as Error).message;
  } finally {
    await client.end().catch(() => undefined);
  }
}

beforeAll(() => {
  if (!binDir) throw new Error('PostgreSQL 15 server programs are not installed (Debian package postgresql)');
  root = mkdtempSync(join(tmpdir(), 'wharf-bundled-pg-'));
  // The cluster's user (postgres, when this runs as root) must reach the directories inside.
  chmodSync(root, 0o755);
  layout = layoutOf(join(root, 'data'), join(root, 'log'));
  mkdirSync(layout.runDir, { recursive: true, mode: 0o755 });
  const user = postgresUser();
  prepareDirectories(layout, user);
  ensureCluster(layout, user, binDir);
});

afterAll(() => {
  if (root) rmSync(root, { recursive: true, force: true });
});

describe('the bundled PostgreSQL', () => {
  it("takes harbor.yml's password with quotes, backslashes and non-ASCII letters, and a new one replaces it", async () => {
    const first = "it's a \\ pa$$ wörd; DROP ROLE wharf; --";
    const second = 'Second-Pa55';
    const user = postgresUser();
    await withTemporaryServer(layout, user, binDir as string, async () => {
      ensureRoleAndDatabase(layout, user, binDir as string, first);
      expect(await login(first)).toBe('ok');
      ensureRoleAndDatabase(layout, user, binDir as string, second);
      expect(await login(second)).toBe('ok');
      // 28P01: invalid_password.
      expect(await login(first)).toBe('28P01');
    });
  }, 90_000);

  it('listens on a socket only its own user and root may open', async () => {
    await withTemporaryServer(layout, postgresUser(), binDir as string, async () => {
      expect((statSync(join(layout.pgSocketDir, '.s.PGSQL.5432')).mode & 0o777).toString(8)).toBe('700');
    });
  }, 90_000);
});
