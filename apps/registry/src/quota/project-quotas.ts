import { Inject, Injectable } from '@nestjs/common';
import type { Sql, SqlRunner } from '@wharf/db/plain';
import { OciError } from '@wharf/oci';
import { EventType } from '@wharf/jobs/events';
import { RegistryEvents } from '../events/registry-events';
import { SQL } from '../infra/tokens';
import { projectOf } from '../metadata/repository.store';
import { ProjectPolicies } from '../projects/project-policies';

function human(bytes: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let v = bytes;
  let i = 0;
  while (Math.abs(v) >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return `${i === 0 ? v : v.toFixed(1)} ${units[i]}`;
}

function exceeded(project: string, adding: number, used: number, hard: number): OciError {
  return new OciError(
    'DENIED',
    `quota exceeded: adding ${human(adding)} to project ${project}, which uses ${human(used)}, would pass its storage limit of ${human(hard)}`,
  );
}

/**
 * Per-project storage limits (project.storage_limit; usage kept exact by the database's triggers,
 * migration 0007). A manifest push that makes the project's usage grow past its limit is refused
 * inside its transaction, so nothing of it is recorded; a blob upload that alone would pass the
 * limit is refused before its bytes are published. Projects without a limit cost one cached lookup (ProjectPolicies).
 */
@Injectable()
export class ProjectQuotas {
  constructor(
    @Inject(SQL) private readonly sql: Sql,
    private readonly events: RegistryEvents,
    private readonly policies: ProjectPolicies,
  ) {}

  /** Announces the refusal (QUOTA_EXCEED webhooks, whose operator is the pusher) and returns the error to throw. */
  private refuse(repository: string, digest: string | undefined, pusher: string, project: string, adding: number, used: number, hard: number): OciError {
    const err = exceeded(project, adding, used, hard);
    this.events.publish({ type: EventType.QuotaExceed, occurAt: Date.now(), operator: pusher, repository, digest, message: err.message });
    return err;
  }

  /** Before publishing a blob's bytes: refuses one that the project cannot hold. */
  async checkBlob(repository: string, digest: string, size: number, pusher: string): Promise<void> {
    const project = projectOf(repository);
    if (project === null || (await this.policies.of(repository)).storageLimit < 0) return;
    const row = await this.sql.one<{ hard: string; used: string | null; counted: boolean }>(
      `SELECT p.storage_limit AS hard, q.used,
              EXISTS (SELECT 1 FROM project_blob pb JOIN blob b ON b.id = pb.blob_id WHERE pb.project_id = p.id AND b.digest = $2) AS counted
         FROM project p LEFT JOIN quota q ON q.project_id = p.id WHERE p.name = $1`,
      [project, digest],
      'quota_blob',
    );
    if (!row || row.counted) return;
    const hard = Number(row.hard);
    const used = Number(row.used ?? 0);
    if (hard >= 0 && used + size > hard) throw this.refuse(repository, digest, pusher, project, size, used, hard);
  }

  /**
   * Runs `record` (which adds an artifact inside `tx`) and refuses the result if it made the
   * project's usage grow past its limit; the caller's transaction then rolls everything back.
   */
  async withinLimit<T>(tx: SqlRunner, repository: string, repositoryId: string, pusher: string, record: () => Promise<T>): Promise<T> {
    const project = projectOf(repository);
    if (project === null || (await this.policies.of(repository)).storageLimit < 0) return record();
    const usage = () =>
      tx.one<{ hard: string; used: string | null }>(
        `SELECT p.storage_limit AS hard, q.used FROM repository r JOIN project p ON p.id = r.project_id
           LEFT JOIN quota q ON q.project_id = p.id WHERE r.id = $1`,
        [repositoryId],
        'quota_usage',
      );
    const before = Number((await usage())?.used ?? 0);
    const result = await record();
    const after = await usage();
    const hard = Number(after?.hard ?? -1);
    const used = Number(after?.used ?? 0);
    if (hard >= 0 && used > before && used > hard) throw this.refuse(repository, undefined, pusher, project, used - before, before, hard);
    return result;
  }
}
