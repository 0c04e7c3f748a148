import type { Sql } from '@wharf/db';
import { type ArtifactEvent, EventType, projectOfRepository } from '@wharf/jobs';

/** Harbor warns when a project's usage passes this share of its limit. */
export const QUOTA_WARNING_PERCENT = 85;

/** Events after which a project's usage may have moved. */
const USAGE_EVENTS: ReadonlySet<string> = new Set([EventType.PushArtifact, EventType.DeleteArtifact, EventType.TagRetention]);

function mib(bytes: number): string {
  return `${(bytes / 1024 / 1024).toFixed(1)} MiB`;
}

/**
 * QUOTA_WARNING events, worked out from the event stream rather than on the registry's push
 * path: after a batch of events, the usage of each project they touched is read once; a project
 * with a limit that a push took past QUOTA_WARNING_PERCENT of it is warned, once per crossing (a
 * row in quota_warning, inserted by exactly one jobservice), and re-armed when usage is seen below
 * the line again. The warning names the push that was seen past the line.
 */
export class QuotaWarnings {
  constructor(private readonly sql: Sql) {}

  /** The warnings the batch calls for; their rows are written (see `forget` if they cannot be sent). */
  async check(events: readonly ArtifactEvent[]): Promise<ArtifactEvent[]> {
    const touched = [...new Set(events.filter((e) => USAGE_EVENTS.has(e.type)).map((e) => projectOfRepository(e.repository)))];
    if (touched.length === 0) return [];
    const usage = await this.sql.query<{ id: number; name: string; hard: string; used: string }>(
      `SELECT p.id, p.name, p.storage_limit::text AS hard, COALESCE(q.used, 0)::text AS used
         FROM project p LEFT JOIN quota q ON q.project_id = p.id WHERE p.name = ANY($1::text[])`,
      [touched],
    );
    const lastPush = new Map<string, ArtifactEvent>();
    for (const e of events) if (e.type === EventType.PushArtifact) lastPush.set(projectOfRepository(e.repository), e);
    const over = usage.filter((u) => Number(u.hard) > 0 && Number(u.used) * 100 >= Number(u.hard) * QUOTA_WARNING_PERCENT);
    const below = usage.filter((u) => !over.includes(u)).map((u) => u.id);
    if (below.length > 0) await this.sql.query('DELETE FROM quota_warning WHERE project_id = ANY($1::int[])', [below]);
    const crossing = over.filter((u) => lastPush.has(u.name));
    if (crossing.length === 0) return [];
    const inserted = await this.sql.query<{ project_id: number }>(
      `INSERT INTO quota_warning (project_id, used, hard) SELECT * FROM unnest($1::int[], $2::bigint[], $3::bigint[])
       ON CONFLICT (project_id) DO NOTHING RETURNING project_id`,
      [crossing.map((u) => u.id), crossing.map((u) => u.used), crossing.map((u) => u.hard)],
    );
    const warned = new Set(inserted.map((r) => r.project_id));
    return crossing
      .filter((u) => warned.has(u.id))
      .map((u) => {
        const push = lastPush.get(u.name)!;
        const used = Number(u.used);
        const hard = Number(u.hard);
        return {
          type: EventType.QuotaWarning,
          occurAt: push.occurAt,
          operator: push.operator,
          repository: push.repository,
          digest: push.digest,
          tag: push.tag,
          message: `project ${u.name} uses ${Math.floor((used * 100) / hard)}% of its storage quota (warning at ${QUOTA_WARNING_PERCENT}%): ${mib(used)} of ${mib(hard)}`,
        };
      });
  }

  /** Re-arms the warnings that could not be published, so the next push past the line sends them. */
  async forget(warnings: readonly ArtifactEvent[]): Promise<void> {
    const names = [...new Set(warnings.map((w) => projectOfRepository(w.repository)))];
    if (names.length > 0) await this.sql.query('DELETE FROM quota_warning WHERE project_id IN (SELECT id FROM project WHERE name = ANY($1::text[]))', [names]);
  }
}
