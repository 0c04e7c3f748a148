import { Inject, Injectable } from '@nestjs/common';
import type { Access } from '@wharf/auth';
import type { Sql } from '@wharf/db';
import { requireAuthenticated } from '../auth/authorize';
import { SQL } from '../infra/tokens';
import { memberProjectsSql } from '../projects/project.repository';
import { LISTED } from '../repositories/repository.store';

/** Harbor's Statistic; the totals are 0 for anyone but system administrators. */
export interface Statistic {
  private_project_count: number;
  private_repo_count: number;
  public_project_count: number;
  public_repo_count: number;
  total_project_count: number;
  total_repo_count: number;
  total_storage_consumption: number;
}

// Layers a manifest points at outside the registry: never stored, so never counted (Harbor, too).
const FOREIGN_LAYER = 'application/vnd.docker.image.rootfs.foreign.diff.tar.gzip';

/**
 * GET /statistics as Harbor computes it: public projects and their repositories for everyone;
 * system administrators get every project, repository and stored byte (blob rows, manifests
 * included, as Harbor's blob table holds them), and the private counts as the rest; other users
 * the private projects they are members of (directly or through a group). Robots are no users:
 * public figures only.
 */
@Injectable()
export class StatisticsService {
  constructor(@Inject(SQL) private readonly sql: Sql) {}

  async statistic(access: Access): Promise<Statistic> {
    requireAuthenticated(access);
    const counts = (where: string, params: unknown[]) =>
      this.sql.one<{ projects: string; repos: string }>(
        `SELECT count(*) AS projects,
                (SELECT count(*) FROM repository r WHERE ${LISTED} AND r.project_id IN (SELECT p.id FROM project p WHERE ${where})) AS repos
           FROM project p WHERE ${where}`,
        params,
      );
    const open = await counts('p.public', []);
    const stat: Statistic = {
      private_project_count: 0,
      private_repo_count: 0,
      public_project_count: Number(open?.projects ?? 0),
      public_repo_count: Number(open?.repos ?? 0),
      total_project_count: 0,
      total_repo_count: 0,
      total_storage_consumption: 0,
    };
    const p = access.principal;
    if (access.isSysadmin) {
      const all = await counts('true', []);
      const bytes = await this.sql.one<{ n: string }>('SELECT COALESCE(sum(size), 0)::text AS n FROM blob WHERE media_type IS DISTINCT FROM $1', [FOREIGN_LAYER]);
      stat.total_project_count = Number(all?.projects ?? 0);
      stat.total_repo_count = Number(all?.repos ?? 0);
      stat.private_project_count = stat.total_project_count - stat.public_project_count;
      stat.private_repo_count = stat.total_repo_count - stat.public_repo_count;
      stat.total_storage_consumption = Number(bytes?.n ?? 0);
    } else if (p.kind === 'user') {
      const mine = await counts(`NOT p.public AND p.id IN (${memberProjectsSql('$1::int')})`, [p.id]);
      stat.private_project_count = Number(mine?.projects ?? 0);
      stat.private_repo_count = Number(mine?.repos ?? 0);
    }
    return stat;
  }
}
