import { Inject, Injectable } from '@nestjs/common';
import { Access, Principal, ProjectRef, RobotPermission } from '@wharf/auth';
import type { Sql } from '@wharf/db';
import { IdentityStore, parseRobotName } from '@wharf/identity';
import type { RegistryConfig } from '../config';
import { CONFIG, SQL } from '../infra/tokens';
import { IDENTITY } from './auth-tokens';

const ANONYMOUS: Principal = { kind: 'anonymous' };

/**
 * Who a token's subject is now, for the one route that needs more than the token's grants: the
 * catalog lists what the caller may see, which a token cannot carry. A subject that no longer
 * exists (or a disabled or expired robot) sees no more than an anonymous caller.
 */
@Injectable()
export class PrincipalDirectory {
  private readonly robotPrefix: string;

  constructor(
    @Inject(SQL) private readonly sql: Sql,
    @Inject(IDENTITY) private readonly identity: IdentityStore,
    @Inject(CONFIG) config: RegistryConfig,
  ) {
    this.robotPrefix = config.auth.mode === 'token' ? config.auth.robotPrefix : 'robot$';
  }

  async forSubject(subject: string): Promise<Principal> {
    if (subject === '') return ANONYMOUS;
    const robot = parseRobotName(subject, this.robotPrefix);
    if (robot) {
      const row = await this.sql.one<{ id: number; name: string; level: 'system' | 'project'; permissions: RobotPermission[] }>(
        `SELECT r.id, r.name, r.level, r.permissions
           FROM robot r LEFT JOIN project p ON p.id = r.project_id
          WHERE r.name = $1 AND (($2::text IS NULL AND r.project_id IS NULL) OR p.name = $2::text)
            AND NOT r.disabled AND (r.expires_at IS NULL OR r.expires_at > now())`,
        [robot.name, robot.project ?? null],
      );
      return row ? { kind: 'robot', id: row.id, name: subject, level: row.level, permissions: row.permissions } : ANONYMOUS;
    }
    const user = await this.sql.one<{ id: number; username: string; sysadmin: boolean }>(
      'SELECT id, username, sysadmin FROM app_user WHERE lower(username) = lower($1)',
      [subject],
    );
    return user ? this.identity.principalFor(user) : ANONYMOUS;
  }

  /** Ids of the projects whose repositories `access` may see. */
  async visibleProjectIds(access: Access): Promise<number[]> {
    const projects = await this.sql.query<ProjectRef>('SELECT id, name, public FROM project ORDER BY id');
    return projects.filter((p) => access.canSee(p)).map((p) => p.id);
  }
}
