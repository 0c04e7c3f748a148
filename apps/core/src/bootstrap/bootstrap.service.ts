import { Inject, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { hashPassword, ProjectRole } from '@wharf/auth';
import type { Sql } from '@wharf/db';
import type { CoreConfig } from '../config';
import { CORE_CONFIG, SQL } from '../infra/tokens';
import { ADMIN_USERNAME } from './admin';

/** Any constant; serialises the first-start set-up of replicas that start together. */
const BOOTSTRAP_LOCK_KEY = 0x77686263; // "whbc"

export const DEFAULT_PROJECT = 'library';

/**
 * First start: the `admin` system administrator (password from the configuration, hashed) and
 * the public `library` project owned by admin. Idempotent: once admin exists nothing is done (a
 * changed admin password stays changed, a deleted `library` stays deleted), and replicas starting
 * at once take turns under an advisory lock, so each row is made exactly once.
 */
@Injectable()
export class BootstrapService implements OnApplicationBootstrap {
  private readonly logger = new Logger('bootstrap');

  constructor(
    @Inject(SQL) private readonly sql: Sql,
    @Inject(CORE_CONFIG) private readonly config: CoreConfig,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    await this.run();
  }

  async run(): Promise<void> {
    // Hashing is slow: do it outside the lock, and only when admin might be missing.
    const existing = await this.sql.one<{ id: number }>('SELECT id FROM app_user WHERE lower(username) = $1', [ADMIN_USERNAME]);
    const hash = existing ? undefined : await hashPassword(this.config.adminPassword);
    await this.sql.transaction(async (tx) => {
      await tx.query('SELECT pg_advisory_xact_lock($1)', [BOOTSTRAP_LOCK_KEY]);
      if (!hash || (await tx.one('SELECT 1 FROM app_user WHERE lower(username) = $1', [ADMIN_USERNAME]))) return;
      const admin = await tx.one<{ id: number }>(
        `INSERT INTO app_user (username, email, realname, comment, password_hash, sysadmin, auth_source)
         VALUES ($1, 'admin@example.com', 'system admin', 'admin user', $2, true, 'db') RETURNING id`,
        [ADMIN_USERNAME, hash],
      );
      if (!admin) return;
      this.logger.log('created the admin user');
      // Only together with admin, on the first start: a deleted `library` stays deleted.
      const created = await tx.one<{ id: number }>(
        `INSERT INTO project (name, public, owner_id, metadata) VALUES ($1, true, $2, '{"public": "true"}'::jsonb)
         ON CONFLICT (name) DO NOTHING RETURNING id`,
        [DEFAULT_PROJECT, admin.id],
      );
      // A `library` the registry made on a push before core ever ran has no owner yet: admin takes it.
      const project =
        created ?? (await tx.one<{ id: number }>('UPDATE project SET owner_id = $2 WHERE name = $1 AND owner_id IS NULL RETURNING id', [DEFAULT_PROJECT, admin.id]));
      if (!project) return;
      await tx.query(`INSERT INTO project_member (project_id, user_id, role) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING`, [
        project.id,
        admin.id,
        ProjectRole.ProjectAdmin,
      ]);
      if (created) this.logger.log(`created the public project ${DEFAULT_PROJECT}`);
    });
  }
}
