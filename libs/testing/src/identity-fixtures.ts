import { randomBytes } from 'node:crypto';
import { hashPassword, ProjectRole, RobotPermission } from '@wharf/auth';
import { Sql } from '@wharf/db/plain';
import { bindRobotPermissions } from '@wharf/identity';
import { Pool } from 'pg';

/**
 * Users, projects, members and robots written straight into a test database, as core's API
 * would leave them: for tests of the registry's authorization that do not run core.
 */
export class IdentityFixtures {
  private constructor(
    private readonly pool: Pool,
    readonly sql: Sql,
  ) {}

  static open(databaseUrl: string): IdentityFixtures {
    const pool = new Pool({ connectionString: databaseUrl, max: 2 });
    return new IdentityFixtures(pool, new Sql(pool));
  }

  async user(username: string, password: string, options: { sysadmin?: boolean } = {}): Promise<number> {
    const row = await this.sql.one<{ id: number }>(
      `INSERT INTO app_user (username, email, realname, password_hash, sysadmin) VALUES ($1, $2, $1, $3, $4) RETURNING id`,
      [username, `${username}@example.test`, await hashPassword(password), options.sysadmin ?? false],
    );
    return idOf(row);
  }

  async project(name: string, options: { public?: boolean; ownerId?: number } = {}): Promise<number> {
    const isPublic = options.public ?? false;
    const row = await this.sql.one<{ id: number }>(
      `INSERT INTO project (name, public, owner_id, metadata) VALUES ($1, $2, $3, jsonb_build_object('public', $4::text)) RETURNING id`,
      [name, isPublic, options.ownerId ?? null, String(isPublic)],
    );
    return idOf(row);
  }

  async member(projectId: number, userId: number, role: ProjectRole): Promise<void> {
    await this.sql.query('INSERT INTO project_member (project_id, user_id, role) VALUES ($1, $2, $3)', [projectId, userId, role]);
  }

  /**
   * A robot with a bcrypt-hashed secret and its permissions bound to the projects they name;
   * `project` makes it a project robot. Returns its login name (`robot$name` or
   * `robot$project+name`) and secret.
   */
  async robot(options: {
    name: string;
    project?: { id: number; name: string };
    permissions: RobotPermission[];
    disabled?: boolean;
    expiresAt?: Date;
    prefix?: string;
  }): Promise<{ id: number; login: string; secret: string }> {
    const secret = `Rb${randomBytes(12).toString('hex')}9`;
    const row = await this.sql.one<{ id: number }>(
      `INSERT INTO robot (name, level, project_id, secret_hash, permissions, disabled, expires_at, duration)
       VALUES ($1, $2, $3, $4, $5::jsonb, $6, $7, $8) RETURNING id`,
      [
        options.name,
        options.project ? 'project' : 'system',
        options.project?.id ?? null,
        await hashPassword(secret),
        JSON.stringify((await bindRobotPermissions(this.sql, options.permissions)).permissions),
        options.disabled ?? false,
        options.expiresAt ?? null,
        options.expiresAt ? 1 : -1,
      ],
    );
    const prefix = options.prefix ?? 'robot$';
    const login = options.project ? `${prefix}${options.project.name}+${options.name}` : `${prefix}${options.name}`;
    return { id: idOf(row), login, secret };
  }

  /** Replaces a robot's permissions, bound to the projects they name as core's robot API does. */
  async setRobotPermissions(id: number, permissions: RobotPermission[]): Promise<void> {
    const bound = (await bindRobotPermissions(this.sql, permissions)).permissions;
    await this.sql.query('UPDATE robot SET permissions = $2::jsonb WHERE id = $1', [id, JSON.stringify(bound)]);
  }

  async close(): Promise<void> {
    await this.pool.end();
  }
}

function idOf(row: { id: number } | undefined): number {
  if (!row) throw new Error('INSERT ... RETURNING id returned no row');
  return row.id;
}

/** A robot permission list granting `actions` on repositories of `namespace` (a project or `*`). */
export function repositoryPermissions(namespace: string, actions: string[]): RobotPermission[] {
  return [{ kind: 'project', namespace, access: actions.map((action) => ({ resource: 'repository', action, effect: 'allow' as const })) }];
}
