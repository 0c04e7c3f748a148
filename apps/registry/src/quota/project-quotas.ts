import { Inject, Injectable } from '@nestjs/common';
import type { Sql } from '@wharf/db/plain';
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

/** SQLSTATE of the database's refusal (trigger quota_limit, migration 0014); its detail is JSON. */
const QUOTA_EXCEEDED = 'WQ001';

/** What a project with a storage limit can still take, with the figures a refusal names. */
export interface QuotaAllowance {
  /** Who pushes: the QUOTA_EXCEED event's operator if the session is refused. */
  pusher: string;
  project: string;
  left: number;
  used: number;
  hard: number;
}

interface QuotaRefusal {
  project: string;
  used: number;
  adding: number;
  hard: number;
}

function refusalOf(err: unknown): QuotaRefusal | undefined {
  const e = err as { code?: string; detail?: string } | undefined;
  if (e?.code !== QUOTA_EXCEEDED || typeof e.detail !== 'string') return undefined;
  try {
    const d = JSON.parse(e.detail) as Record<string, unknown>;
    return { project: String(d['project']), used: Number(d['used']), adding: Number(d['adding']), hard: Number(d['hard']) };
  } catch {
    return undefined;
  }
}

/**
 * Per-project storage limits (project.storage_limit). A project pays for every distinct blob its
 * repositories hold or its artifacts reference, from the moment an upload completes or a mount
 * links it, until garbage collection (or a delete) removes it: migration 0014's triggers keep the
 * usage exact and refuse, inside the statement that would grow it, any charge that passes the
 * limit. Here those refusals become the client's DENIED answer, and uploads are refused early:
 * a blob that alone cannot fit before its bytes are published, an upload session once it holds
 * more than the project has left.
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

  /**
   * Runs a write that charges the project (recording a blob, a mount, a manifest): the database's
   * refusal becomes DENIED with the figures. A repository that never recorded an artifact is not
   * shown by the API (migration 0015), so a push refused this way leaves no empty repository behind.
   */
  async charging<T>(repository: string, digest: string | undefined, pusher: string, write: () => Promise<T>): Promise<T> {
    try {
      return await write();
    } catch (err) {
      const refusal = refusalOf(err);
      if (!refusal) throw err;
      throw this.refuse(repository, digest, pusher, refusal.project, refusal.adding, refusal.used, refusal.hard);
    }
  }

  /** Before publishing a blob's bytes: refuses one that the project cannot hold. */
  async checkBlob(repository: string, digest: string, size: number, pusher: string): Promise<void> {
    const allowance = await this.allowance(repository, pusher, digest);
    if (allowance && size > allowance.left) throw this.refuse(repository, digest, pusher, allowance.project, size, allowance.used, allowance.hard);
  }

  /**
   * How many more bytes the project can take, with its figures; undefined when it has no limit or
   * already holds `digest` (which then costs nothing). Uploads whose digest is not known yet
   * (PATCH) are held to it as they arrive.
   */
  async allowance(repository: string, pusher: string, digest?: string): Promise<QuotaAllowance | undefined> {
    const project = projectOf(repository);
    if (project === null || (await this.policies.of(repository)).storageLimit < 0) return undefined;
    // Enforcement can be switched off (Harbor's quota_per_project_enable; migration 0026 for the trigger).
    const row = await this.sql.one<{ hard: string; used: string | null; counted: boolean; enforced: boolean }>(
      `SELECT p.storage_limit AS hard, q.used,
              EXISTS (SELECT 1 FROM project_blob pb JOIN blob b ON b.id = pb.blob_id WHERE pb.project_id = p.id AND b.digest = $2) AS counted,
              NOT EXISTS (SELECT 1 FROM setting WHERE key = 'quota_per_project_enable' AND value = 'false'::jsonb) AS enforced
         FROM project p LEFT JOIN quota q ON q.project_id = p.id WHERE p.name = $1`,
      [project, digest ?? null],
      'quota_blob',
    );
    if (!row || row.counted || !row.enforced || Number(row.hard) < 0) return undefined;
    const hard = Number(row.hard);
    const used = Number(row.used ?? 0);
    return { pusher, project, left: Math.max(0, hard - used), used, hard };
  }

  /** The refusal of an upload session that outgrew what its project has left. */
  sessionRefusal(repository: string, allowance: QuotaAllowance, size: number): OciError {
    return this.refuse(repository, undefined, allowance.pusher, allowance.project, size, allowance.used, allowance.hard);
  }
}
