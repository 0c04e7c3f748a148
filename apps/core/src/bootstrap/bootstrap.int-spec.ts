import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { createTestDatabase, TestDatabase } from '@wharf/db/testing';
import { loadConfig } from '../config';
import { closeCore, createCoreApp } from '../server';
import { api, basicAuthHeader, sqlQuery } from '../testing';
import { BootstrapService } from './bootstrap.service';

describe('first-start set-up', () => {
  let db: TestDatabase;
  let dataDir: string;
  const apps: NestFastifyApplication[] = [];

  beforeAll(async () => {
    db = await createTestDatabase('wharf_core_boot');
    dataDir = await mkdtemp(join(tmpdir(), 'wharf-core-boot-'));
  });
  afterAll(async () => {
    for (const app of apps) await closeCore(app).catch(() => undefined);
    await db.drop();
    await rm(dataDir, { recursive: true, force: true });
  });

  const config = () => ({ ...loadConfig({ DATA_DIR: dataDir, HARBOR_ADMIN_PASSWORD: 'First1234' }), databaseUrl: db.url, port: 0, host: '127.0.0.1', logLevel: 'error' as const });

  it('makes admin and the public library exactly once when replicas start together', async () => {
    const started = await Promise.all(
      [0, 1, 2].map(async () => {
        const app = await createCoreApp(config(), { redisKeyPrefix: `wharf-test-boot-${Math.random()}:` });
        apps.push(app);
        await app.listen(0, '127.0.0.1');
        return app;
      }),
    );
    expect(started).toHaveLength(3);
    const users = await sqlQuery<{ username: string; sysadmin: boolean; password_hash: string }>(db.url, 'SELECT username, sysadmin, password_hash FROM app_user');
    expect(users.map((u) => [u.username, u.sysadmin])).toEqual([['admin', true]]);
    expect(users[0].password_hash).toMatch(/^\$2[aby]\$/);
    const projects = await sqlQuery<{ name: string; public: boolean; owner: string; metadata: Record<string, string> }>(
      db.url,
      'SELECT p.name, p.public, u.username AS owner, p.metadata FROM project p JOIN app_user u ON u.id = p.owner_id',
    );
    expect(projects).toEqual([{ name: 'library', public: true, owner: 'admin', metadata: { public: 'true' } }]);
    const members = await sqlQuery<{ role: number }>(db.url, 'SELECT role FROM project_member');
    expect(members).toEqual([{ role: 1 }]);
    const address = started[1].getHttpServer().address();
    const port = typeof address === 'object' && address ? address.port : 0;
    const me = await api<{ username: string }>(`http://127.0.0.1:${port}`, 'GET', '/api/v2.0/users/current', { auth: basicAuthHeader('admin', 'First1234') });
    expect(me.body.username).toBe('admin');
  });

  it('changes nothing on later starts: a new password stays, a deleted library stays deleted', async () => {
    await sqlQuery(db.url, "UPDATE app_user SET password_hash = 'changed' WHERE username = 'admin'");
    await sqlQuery(db.url, 'DELETE FROM project');
    const app = apps[0];
    await app.get(BootstrapService).run();
    const users = await sqlQuery<{ password_hash: string }>(db.url, 'SELECT password_hash FROM app_user');
    expect(users).toEqual([{ password_hash: 'changed' }]);
    expect(await sqlQuery(db.url, 'SELECT 1 FROM project')).toEqual([]);
  });

  it('adopts a library the registry made before core ever ran', async () => {
    const fresh = await createTestDatabase('wharf_core_boot');
    try {
      await sqlQuery(fresh.url, "INSERT INTO project (name) VALUES ('library')");
      const app = await createCoreApp({ ...config(), databaseUrl: fresh.url }, { redisKeyPrefix: `wharf-test-boot-${Math.random()}:` });
      try {
        await app.init();
        const rows = await sqlQuery<{ owner: string; role: number; public: boolean }>(
          fresh.url,
          'SELECT u.username AS owner, m.role, p.public FROM project p JOIN app_user u ON u.id = p.owner_id JOIN project_member m ON m.project_id = p.id',
        );
        // Its visibility is left as it was made.
        expect(rows).toEqual([{ owner: 'admin', role: 1, public: false }]);
      } finally {
        await closeCore(app);
      }
    } finally {
      await fresh.drop();
    }
  });
});
