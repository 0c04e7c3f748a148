import { Inject, Injectable } from '@nestjs/common';
import type { Sql, SqlRunner } from '@wharf/db/plain';
import { MAX_CACHED_TAGS, RegistryCache, TagPage } from '../cache/registry-cache';
import { SQL } from '../infra/tokens';

export interface ResolvedManifest {
  artifactId: string;
  repositoryId: string;
  digest: string;
  mediaType: string;
  size: number;
  tagId?: string;
}

export interface ReferrerRow {
  digest: string;
  mediaType: string;
  size: number;
  artifactType: string | null;
  annotations: Record<string, string> | null;
}

/** What a manifest push records, by repository name. */
export interface PushedManifest {
  repository: string;
  digest: string;
  mediaType: string;
  artifactType: string | null;
  configMediaType: string | null;
  subjectDigest: string | null;
  annotations: Record<string, string> | null;
  manifestSize: number;
  /** Blobs the manifest references, each of which the repository must hold with this size. */
  blobs: { digest: string; size: number }[];
  /** Index children, each of which must be an artifact of the repository. */
  children: { digest: string; platform: unknown; annotations: unknown }[];
  tag: string | null;
}

export type DeleteOutcome = 'deleted' | 'unknown' | { referencedBy: string };

@Injectable()
export class ArtifactStore {
  constructor(
    @Inject(SQL) private readonly sql: Sql,
    private readonly cache: RegistryCache,
  ) {}

  async resolveTag(repository: string, tag: string): Promise<ResolvedManifest | undefined> {
    const row = await this.sql.one<{ id: string; repository_id: string; digest: string; media_type: string; manifest_size: string; tag_id: string }>(
      `SELECT a.id, a.repository_id, a.digest, a.media_type, a.manifest_size, t.id AS tag_id
         FROM tag t JOIN repository r ON r.id = t.repository_id JOIN artifact a ON a.id = t.artifact_id
        WHERE r.name = $1 AND t.name = $2`,
      [repository, tag],
      'manifest_by_tag',
    );
    return row && { artifactId: row.id, repositoryId: row.repository_id, digest: row.digest, mediaType: row.media_type, size: Number(row.manifest_size), tagId: row.tag_id };
  }

  async resolveDigest(repository: string, digest: string, runner: SqlRunner = this.sql): Promise<ResolvedManifest | undefined> {
    const row = await runner.one<{ id: string; repository_id: string; media_type: string; manifest_size: string }>(
      `SELECT a.id, a.repository_id, a.media_type, a.manifest_size FROM artifact a JOIN repository r ON r.id = a.repository_id
        WHERE r.name = $1 AND a.digest = $2`,
      [repository, digest],
      'manifest_by_digest',
    );
    return row && { artifactId: row.id, repositoryId: row.repository_id, digest, mediaType: row.media_type, size: Number(row.manifest_size) };
  }

  /** Which of `digests` are artifacts of the repository (index children). */
  async existing(repositoryId: string, digests: string[], runner: SqlRunner): Promise<Set<string>> {
    if (digests.length === 0) return new Set();
    const rows = await runner.query<{ digest: string }>(
      'SELECT digest FROM artifact WHERE repository_id = $1 AND digest = ANY($2::text[])',
      [repositoryId, digests],
      'artifact_existing',
    );
    return new Set(rows.map((r) => r.digest));
  }

  /**
   * Records a pushed manifest in one statement, after checking that the repository holds every
   * referenced blob (with the declared size) and child manifest: the manifest's bytes as a blob of
   * the repository, the artifact (or a fresh push time when the same manifest comes again), the
   * blobs and children it references (for a new artifact) and, when pushed by tag, the tag. False
   * when a check failed; then nothing was written. A blob that garbage collection deletes meanwhile
   * fails the statement with a foreign-key violation; a link it removes meanwhile, the check. With `notifyChannel`, the statement also
   * announces the change (delivered at commit), so that alone it is a whole cache write. Its quota
   * triggers lock the project's quota row before the project_blob rows of the shared blobs
   * (migration 0017): concurrent pushes of images over the same layers queue there instead of
   * deadlocking.
   */
  async record(m: PushedManifest, runner: SqlRunner, notifyChannel: string | null): Promise<boolean> {
    const row = await runner.one<{ recorded: boolean }>(
      `WITH repo AS (
         SELECT id FROM repository WHERE name = $1
       ), need AS (
         SELECT * FROM unnest($10::text[], $11::bigint[]) AS n(digest, size)
       ), found AS (
         -- Locked: garbage collection skips (and then re-checks) links a push is relying on; one
         -- it has already taken is no longer found here, and the push fails cleanly.
         SELECT b.id, b.digest, b.size FROM blob b
           JOIN repository_blob rb ON rb.blob_id = b.id AND rb.repository_id = (SELECT id FROM repo)
          WHERE b.digest = ANY($10::text[])
            FOR KEY SHARE OF rb
       ), kid AS (
         SELECT a.id, a.digest, a.total_size, x.platform, x.annotations
           FROM jsonb_to_recordset($12::jsonb) AS x(digest text, platform jsonb, annotations jsonb)
           JOIN artifact a ON a.repository_id = (SELECT id FROM repo) AND a.digest = x.digest
       ), ok AS (
         SELECT EXISTS (SELECT 1 FROM repo)
            AND NOT EXISTS (SELECT 1 FROM need n WHERE NOT EXISTS (SELECT 1 FROM found f WHERE f.digest = n.digest AND f.size = n.size))
            AND (SELECT count(*) FROM kid) = jsonb_array_length($12::jsonb) AS ok
       ), mb AS (
         INSERT INTO blob (digest, size, media_type) SELECT $2, $7, $3 FROM ok WHERE ok.ok
         ON CONFLICT (digest) DO UPDATE SET last_seen_at = now(), media_type = COALESCE(blob.media_type, EXCLUDED.media_type)
         RETURNING id
       ), mbl AS (
         INSERT INTO repository_blob (repository_id, blob_id) SELECT (SELECT id FROM repo), id FROM mb ON CONFLICT DO NOTHING
       ), a AS (
         INSERT INTO artifact (repository_id, digest, media_type, artifact_type, config_media_type, subject_digest,
                               annotations, manifest_size, total_size)
         SELECT (SELECT id FROM repo), $2, $3, $4, $5, $6, $8, $7,
                $7 + (SELECT COALESCE(sum(size), 0) FROM found) + (SELECT COALESCE(sum(total_size), 0) FROM kid)
           FROM ok WHERE ok.ok
         ON CONFLICT (repository_id, digest) DO UPDATE SET push_time = now()
         RETURNING id, (xmax = 0) AS created
       ), ab AS (
         INSERT INTO artifact_blob (artifact_id, blob_id)
         SELECT a.id, x.blob_id FROM a, (SELECT id AS blob_id FROM mb UNION SELECT id FROM found) x
          WHERE a.created
         ON CONFLICT DO NOTHING
       ), ar AS (
         INSERT INTO artifact_reference (parent_id, child_id, platform, annotations)
         SELECT a.id, kid.id, kid.platform, kid.annotations FROM a, kid
          WHERE a.created
         ON CONFLICT DO NOTHING
       ), t AS (
         INSERT INTO tag (repository_id, artifact_id, name) SELECT (SELECT id FROM repo), a.id, $9::text FROM a WHERE $9::text IS NOT NULL
         ON CONFLICT (repository_id, name) DO UPDATE SET artifact_id = EXCLUDED.artifact_id, push_time = now()
       ), notified AS (
         SELECT pg_notify($13::text, $1) FROM a WHERE $13::text IS NOT NULL
       )
       -- A CTE that only reads runs only when referenced: counting forces the notification.
       SELECT EXISTS (SELECT 1 FROM a) AS recorded, (SELECT count(*) FROM notified) AS notifications`,
      [
        m.repository, m.digest, m.mediaType, m.artifactType, m.configMediaType, m.subjectDigest, m.manifestSize,
        m.annotations ? JSON.stringify(m.annotations) : null, m.tag,
        m.blobs.map((b) => b.digest), m.blobs.map((b) => b.size),
        JSON.stringify(m.children.map((c) => ({ digest: c.digest, platform: c.platform ?? null, annotations: c.annotations ?? null }))),
        notifyChannel,
      ],
      'artifact_record',
    );
    return row?.recorded === true;
  }

  /** Deletes the artifact and every tag on it; refused while an index in the repository needs it. */
  async delete(repository: string, digest: string): Promise<DeleteOutcome> {
    return this.cache.write(this.sql, repository, async (tx): Promise<DeleteOutcome> => {
      const target = await tx.one<{ id: string }>(
        `SELECT a.id FROM artifact a JOIN repository r ON r.id = a.repository_id
          WHERE r.name = $1 AND a.digest = $2 FOR UPDATE OF a`,
        [repository, digest],
      );
      if (!target) return 'unknown';
      const parent = await tx.one<{ digest: string }>(
        `SELECT p.digest FROM artifact_reference ar JOIN artifact p ON p.id = ar.parent_id WHERE ar.child_id = $1 LIMIT 1`,
        [target.id],
      );
      if (parent) return { referencedBy: parent.digest };
      await tx.query('DELETE FROM artifact WHERE id = $1', [target.id]);
      return 'deleted';
    }, (outcome) => outcome === 'deleted');
  }

  /** Removes one tag only; the artifact and its other tags stay. */
  async deleteTag(repository: string, tag: string): Promise<boolean> {
    return this.cache.write(this.sql, repository, async (tx) => {
      const rows = await tx.query(
        'DELETE FROM tag t USING repository r WHERE t.repository_id = r.id AND r.name = $1 AND t.name = $2 RETURNING t.id',
        [repository, tag],
      );
      return rows.length > 0;
    }, (deleted) => deleted);
  }

  /**
   * A page of the tags list as served: from this process's cache while the repository's version
   * is current (every change of its tags moves the version on, whoever makes it), else from the
   * database. Undefined if the repository does not exist.
   */
  async tagPage(repository: string, limit: number, last: string | undefined): Promise<TagPage | undefined> {
    return this.cache.readThrough(
      this.cache.tagPages,
      repository,
      `${limit}:${last ?? ''}`,
      async () => {
        const tags = await this.listTags(repository, limit, last);
        return tags && { tags, body: JSON.stringify({ name: repository, tags }) };
      },
      (page) => page.tags.length <= MAX_CACHED_TAGS,
    );
  }

  /** Tags in lexical order after `last`; undefined if the repository does not exist. */
  private async listTags(repository: string, limit: number, last: string | undefined): Promise<string[] | undefined> {
    const rows = await this.sql.query<{ name: string | null }>(
      `SELECT t.name FROM repository r LEFT JOIN LATERAL (
         SELECT name FROM tag WHERE repository_id = r.id AND ($2::text IS NULL OR name > $2::text) ORDER BY name LIMIT $3
       ) t ON true
       WHERE r.name = $1`,
      [repository, last ?? null, limit],
      'tags_list',
    );
    if (rows.length === 0) return undefined;
    return rows.filter((r) => r.name !== null).map((r) => r.name as string);
  }

  async referrers(repository: string, subject: string, artifactType: string | undefined): Promise<ReferrerRow[]> {
    const rows = await this.sql.query<{ digest: string; media_type: string; manifest_size: string; artifact_type: string | null; annotations: Record<string, string> | null }>(
      `SELECT a.digest, a.media_type, a.manifest_size, a.artifact_type, a.annotations
         FROM artifact a JOIN repository r ON r.id = a.repository_id
        WHERE r.name = $1 AND a.subject_digest = $2 AND ($3::text IS NULL OR a.artifact_type = $3::text)
        ORDER BY a.push_time, a.id`,
      [repository, subject, artifactType ?? null],
      'referrers',
    );
    return rows.map((r) => ({ digest: r.digest, mediaType: r.media_type, size: Number(r.manifest_size), artifactType: r.artifact_type, annotations: r.annotations }));
  }

  /**
   * Applies one batch of pull statistics (counts per repository, latest pull per artifact and per
   * tag, in ms since the epoch) once: false, and nothing written, when batch `id` was applied
   * already. An index whose child was pulled counts as pulled then too, as in Harbor; times only
   * move forward; a repository's update time follows its pulls, as Harbor's pull count update
   * sets it.
   */
  async applyPullStats(id: string, counts: Map<string, number>, artifacts: Map<string, number>, tags: Map<string, number>): Promise<boolean> {
    return this.sql.transaction(async (tx) => {
      const fresh = await tx.one('INSERT INTO pull_stats_batch (id) VALUES ($1) ON CONFLICT DO NOTHING RETURNING id', [id], 'pull_stats_batch');
      if (!fresh) return false;
      await tx.query("DELETE FROM pull_stats_batch WHERE applied_at < now() - interval '1 day'", [], 'pull_stats_batch_prune');
      if (counts.size > 0) {
        await tx.query(
          `UPDATE repository r SET pull_count = r.pull_count + c.n, updated_at = now()
             FROM unnest($1::bigint[], $2::bigint[]) AS c(id, n) WHERE r.id = c.id`,
          [[...counts.keys()], [...counts.values()]],
          'pull_stats_counts',
        );
      }
      if (artifacts.size > 0) {
        await tx.query(
          `WITH pulled AS (
             SELECT id, to_timestamp(ms / 1000.0) AS at FROM unnest($1::bigint[], $2::bigint[]) AS p(id, ms)
           ), touched AS (
             SELECT id, at FROM pulled
             UNION ALL
             SELECT ar.parent_id, p.at FROM pulled p JOIN artifact_reference ar ON ar.child_id = p.id
           ), latest AS (SELECT id, max(at) AS at FROM touched GROUP BY id)
           UPDATE artifact a SET pull_time = latest.at FROM latest
            WHERE a.id = latest.id AND (a.pull_time IS NULL OR a.pull_time < latest.at)`,
          [[...artifacts.keys()], [...artifacts.values()]],
          'pull_stats_artifacts',
        );
      }
      if (tags.size > 0) {
        await tx.query(
          `UPDATE tag t SET pull_time = to_timestamp(p.ms / 1000.0) FROM unnest($1::bigint[], $2::bigint[]) AS p(id, ms)
            WHERE t.id = p.id AND (t.pull_time IS NULL OR t.pull_time < to_timestamp(p.ms / 1000.0))`,
          [[...tags.keys()], [...tags.values()]],
          'pull_stats_tags',
        );
      }
      return true;
    });
  }
}
