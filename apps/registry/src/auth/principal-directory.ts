import { Inject, Injectable } from '@nestjs/common';
import { Access, Principal, ProjectRef } from '@wharf/auth';
import type { Sql } from '@wharf/db/plain';
import { IdentityStore } from '@wharf/identity';
import { SQL } from '../infra/tokens';
import { IDENTITY } from './auth-tokens';

const ANONYMOUS: Principal = { kind: 'anonymous' };

/**
 * Who a token's subject is now, for the one route that needs more than the token's grants: the
 * catalog lists what the caller may see, which a token cannot carry. A subject that no longer
 * exists (or a disabled or expired robot) sees no more than an anonymous caller.
 */
@Injectable()
export class PrincipalDirectory {
  constructor(
    @Inject(SQL) private readonly sql: Sql,
    @Inject(IDENTITY) private readonly identity: IdentityStore,
  ) {}

  async forSubject(subject: string): Promise<Principal> {
    return (await this.identity.principalForName(subject)) ?? ANONYMOUS;
  }

  /** Ids of the projects whose repositories `access` may see. */
  async visibleProjectIds(access: Access): Promise<number[]> {
    const projects = await this.sql.query<ProjectRef>('SELECT id, name, public FROM project ORDER BY id');
    return projects.filter((p) => access.canSee(p)).map((p) => p.id);
  }
}
