import { Injectable } from '@nestjs/common';
import type { SqlRunner } from '@wharf/db';

/** An artifact of the copied tree as it stands in the destination repository. */
export interface CopiedArtifact {
  /** The id in the destination repository. */
  id: string;
  digest: string;
  /** The source's id. */
  source_id: string;
  /** True when the copy created it; false when the destination held it already. */
  created: boolean;
}

/** A tag the copy wants on an artifact of the destination, and where that name points there now. */
export interface WantedTag {
  name: string;
  artifact_id: string;
  current_artifact_id: string | null;
}

/**
 * The rows of an artifact copy between two repositories. Storage is content-addressed, so a copy
 * moves no bytes: it links the blobs to the destination repository and writes the artifact rows,
 * the way a push records them (a push takes them from a parsed manifest; a copy takes them from the
 * source's rows). The quota triggers of migrations 0007/0014 charge the destination project as
 * the links and blob references land, and refuse (SQLSTATE WQ001) what passes its limit.
 */
@Injectable()
export class ArtifactCopyStore {
  /**
   * The repository, created (with its project) when missing. A repository row without artifacts
   * is not listed (migration 0015); the first artifact inserted lists it.
   */
  async ensureRepository(tx: SqlRunner, name: string, projectId: number): Promise<string> {
    const inserted = await tx.one<{ id: string }>(
      'INSERT INTO repository (name, project_id) VALUES ($1, $2) ON CONFLICT (name) DO NOTHING RETURNING id',
      [name, projectId],
      'copy_repository_insert',
    );
    if (inserted) return inserted.id;
    const row = await tx.one<{ id: string }>('SELECT id FROM repository WHERE name = $1 FOR KEY SHARE', [name], 'copy_repository_select');
    if (!row) throw new Error(`repository ${name} vanished while it was created`);
    return row.id;
  }

  /** Whether the artifact is another artifact's accessory (its subject is in the same repository). */
  async isAccessory(tx: SqlRunner, artifactId: string): Promise<boolean> {
    const row = await tx.one<{ accessory: boolean }>(
      `SELECT EXISTS (SELECT 1 FROM artifact a JOIN artifact s ON s.repository_id = a.repository_id AND s.digest = a.subject_digest
                      WHERE a.id = $1) AS accessory`,
      [artifactId],
      'copy_is_accessory',
    );
    return row?.accessory === true;
  }

  /**
   * Copies the artifact `rootId` of `sourceRepositoryId` into `targetRepositoryId` with what it
   * needs: its index children, its accessories (artifacts of the source whose subject is in the
   * tree) and theirs, recursively. Artifacts the destination holds already are kept as they are.
   */
  async copyTree(tx: SqlRunner, sourceRepositoryId: string, rootId: string, targetRepositoryId: string): Promise<CopiedArtifact[]> {
    return tx.query<CopiedArtifact>(
      `WITH RECURSIVE tree (id, digest) AS (
         SELECT id, digest FROM artifact WHERE id = $2 AND repository_id = $1
         UNION
         SELECT x.id, x.digest FROM tree t JOIN artifact x ON x.repository_id = $1
            AND (x.subject_digest = t.digest OR x.id IN (SELECT child_id FROM artifact_reference WHERE parent_id = t.id))
       ), links AS (
         INSERT INTO repository_blob (repository_id, blob_id)
         SELECT DISTINCT $3::bigint, ab.blob_id FROM artifact_blob ab WHERE ab.artifact_id IN (SELECT id FROM tree)
         ON CONFLICT DO NOTHING
       ), created AS (
         INSERT INTO artifact (repository_id, digest, media_type, artifact_type, config_media_type, subject_digest,
                               annotations, manifest_size, total_size)
         SELECT $3, a.digest, a.media_type, a.artifact_type, a.config_media_type, a.subject_digest,
                a.annotations, a.manifest_size, a.total_size
           FROM artifact a WHERE a.id IN (SELECT id FROM tree)
         ON CONFLICT (repository_id, digest) DO NOTHING
         RETURNING id, digest
       )
       SELECT COALESCE(c.id, d.id)::text AS id, t.digest, t.id::text AS source_id, c.id IS NOT NULL AS created
         FROM tree t
         LEFT JOIN created c ON c.digest = t.digest
         LEFT JOIN artifact d ON d.repository_id = $3 AND d.digest = t.digest`,
      [sourceRepositoryId, rootId, targetRepositoryId],
      'copy_artifact_tree',
    );
  }

  /**
   * The blob references and index children of the artifacts the copy created, as their sources
   * have them (children are in the destination by then: the tree held them all).
   */
  async copyReferences(tx: SqlRunner, copied: CopiedArtifact[]): Promise<void> {
    const created = copied.filter((c) => c.created);
    if (created.length === 0) return;
    const pairs = [created.map((c) => c.source_id), created.map((c) => c.id)];
    await tx.query(
      `INSERT INTO artifact_blob (artifact_id, blob_id)
       SELECT p.target, ab.blob_id FROM unnest($1::bigint[], $2::bigint[]) AS p(source, target)
         JOIN artifact_blob ab ON ab.artifact_id = p.source
       ON CONFLICT DO NOTHING`,
      pairs,
      'copy_artifact_blobs',
    );
    const all = [copied.map((c) => c.source_id), copied.map((c) => c.id)];
    await tx.query(
      `WITH m AS (SELECT * FROM unnest($1::bigint[], $2::bigint[]) AS m(source, target))
       INSERT INTO artifact_reference (parent_id, child_id, platform, annotations)
       SELECT parent.target, child.target, ar.platform, ar.annotations
         FROM artifact_reference ar
         JOIN m parent ON parent.source = ar.parent_id
         JOIN m child ON child.source = ar.child_id
        WHERE parent.target = ANY($3::bigint[])
       ON CONFLICT DO NOTHING`,
      [...all, created.map((c) => c.id)],
      'copy_artifact_references',
    );
  }

  /** The tags of the source artifacts, newest first, with where each name points in the destination now. */
  async wantedTags(tx: SqlRunner, targetRepositoryId: string, copied: CopiedArtifact[]): Promise<WantedTag[]> {
    return tx.query<WantedTag>(
      `SELECT t.name, m.target::text AS artifact_id, d.artifact_id::text AS current_artifact_id
         FROM unnest($2::bigint[], $3::bigint[]) AS m(source, target)
         JOIN tag t ON t.artifact_id = m.source
         LEFT JOIN tag d ON d.repository_id = $1 AND d.name = t.name
        ORDER BY t.push_time DESC, t.id DESC`,
      [targetRepositoryId, copied.map((c) => c.source_id), copied.map((c) => c.id)],
      'copy_wanted_tags',
    );
  }

  /** Puts the tag on the artifact: a new one, or one moved from another artifact (with a fresh push time). */
  async putTag(tx: SqlRunner, repositoryId: string, artifactId: string, name: string): Promise<void> {
    await tx.query(
      `INSERT INTO tag (repository_id, artifact_id, name) VALUES ($1, $2, $3)
       ON CONFLICT (repository_id, name) DO UPDATE SET artifact_id = EXCLUDED.artifact_id, push_time = now()
        WHERE tag.artifact_id <> EXCLUDED.artifact_id`,
      [repositoryId, artifactId, name],
      'copy_tag',
    );
  }
}
