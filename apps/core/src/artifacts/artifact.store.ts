import type { ListRequest } from '../http/query-param';
import { Inject, Injectable } from '@nestjs/common';
import type { Sql, SqlRunner } from '@wharf/db';
import { badRequest, precondition } from '../http/harbor-error';
import { type FieldSpecs, orderBy, SqlParams, whereClause, whereFromQuery } from '../http/list-query';
import type { Paging } from '../http/paging';
import type { ParsedQuery, QueryTerm, SortKey } from '../http/query';
import { SQL } from '../infra/tokens';
import type { ArtifactReference } from './artifact-reference';
import { ACCESSORY_TYPE_SQL } from './artifact-view';
import {
  ARTIFACT_FIELDS,
  ARTIFACT_TYPE_FIELD_SQL,
  ARTIFACT_TYPE_SQL,
  IS_ACCESSORY,
  IS_CHILD,
  IS_TAGGED,
  MEDIA_TYPE_SQL,
  TAG_FIELDS,
} from './artifact-columns';

export interface ArtifactRecord {
  id: string;
  repository_id: string;
  repository_name: string;
  project_id: number | null;
  digest: string;
  type: string;
  media_type: string;
  manifest_media_type: string;
  artifact_type: string;
  annotations: Record<string, string> | null;
  total_size: string;
  push_time: Date;
  pull_time: Date | null;
  /** What the artifact's processor abstracted; null until worked out (see ArtifactMetadata). */
  extra_attrs: Record<string, unknown> | null;
  /** The digest of the artifact's own icon, if it has one. */
  icon: string | null;
}

export interface TagRecord {
  id: string;
  repository_id: string;
  artifact_id: string;
  name: string;
  push_time: Date;
  pull_time: Date | null;
}

export interface ReferenceRecord {
  parent_id: string;
  child_id: string;
  child_digest: string;
  platform: Record<string, unknown> | null;
  annotations: Record<string, string> | null;
}

export interface AccessoryRecord {
  id: string;
  repository_id: string;
  digest: string;
  subject_digest: string;
  artifact_type: string | null;
  total_size: string;
  push_time: Date;
}

/** What Harbor's accessory list filters and sorts by (the columns of its accessory table). */
const ACCESSORY_FIELDS: FieldSpecs = {
  id: { column: 'a.id', type: 'bigint' },
  artifact_id: { column: 'a.id', type: 'bigint' },
  digest: { column: 'a.digest', type: 'text' },
  type: { column: ACCESSORY_TYPE_SQL, type: 'text' },
  size: { column: 'a.total_size', type: 'bigint' },
  creation_time: { column: 'a.push_time', type: 'time' },
};

const SELECT = `SELECT a.id, a.repository_id, r.name AS repository_name, r.project_id, a.digest, ${ARTIFACT_TYPE_SQL} AS type,
                       ${MEDIA_TYPE_SQL} AS media_type, a.media_type AS manifest_media_type, ${ARTIFACT_TYPE_FIELD_SQL} AS artifact_type,
                       a.annotations, a.total_size, a.push_time, a.pull_time, a.extra_attrs, a.icon
                  FROM artifact a JOIN repository r ON r.id = a.repository_id`;

function escapeLike(value: string): string {
  return value.replace(/[\\%_]/g, (c) => `\\${c}`);
}

/**
 * Harbor's `tags` filter: `tags=*` tagged, `tags=nil` untagged (children of an index and
 * accessories are never "untagged artifacts", they belong to their parent), `tags=v` / `tags=~v`
 * / `tags={a b}` by tag name. Without it, a list shows tagged artifacts and the untagged ones
 * that stand on their own.
 */
function tagCondition(term: QueryTerm | undefined, params: SqlParams): string {
  if (term === undefined) return `(${IS_TAGGED} OR NOT ${IS_CHILD}) AND NOT ${IS_ACCESSORY}`;
  switch (term.kind) {
    case 'exact':
      if (term.value === '*') return IS_TAGGED;
      if (term.value === 'nil') return `NOT ${IS_TAGGED} AND NOT ${IS_CHILD} AND NOT ${IS_ACCESSORY}`;
      return `EXISTS (SELECT 1 FROM tag t WHERE t.artifact_id = a.id AND t.name = ${params.add(term.value)})`;
    case 'fuzzy':
      return `EXISTS (SELECT 1 FROM tag t WHERE t.artifact_id = a.id AND t.name ILIKE ${params.add(`%${escapeLike(term.value)}%`)})`;
    case 'any':
      return `EXISTS (SELECT 1 FROM tag t WHERE t.artifact_id = a.id AND t.name = ANY(${params.add(term.values)}::text[]))`;
    default:
      throw badRequest('invalid query: tags supports *, nil, exact, fuzzy (~) and {any of} matches');
  }
}

const LABELS_QUERY_MESSAGE = 'the value of "labels" query can only be integer list with intersection relationship, e.g. labels=(1 2)';

/** Harbor's `labels=(1 2)` filter: artifacts carrying every one of the labels (by id). */
function labelConditions(term: QueryTerm | undefined, params: SqlParams): string[] {
  if (term === undefined) return [];
  if (term.kind !== 'all') throw badRequest(LABELS_QUERY_MESSAGE);
  return term.values.map((value) => {
    if (!/^\d{1,10}$/.test(value) || Number(value) > 2_147_483_647) throw badRequest(LABELS_QUERY_MESSAGE);
    return `EXISTS (SELECT 1 FROM label_reference lr WHERE lr.artifact_id = a.id AND lr.label_id = ${params.add(Number(value))})`;
  });
}

/** One artifact a deep delete removed, with the tags it carried. */
export interface DeletedArtifact {
  digest: string;
  tags: string[];
}

/** Artifacts and tags (written by the registry on push), as the API lists, tags and deletes them. */
@Injectable()
export class ArtifactStore {
  constructor(@Inject(SQL) private readonly sql: Sql) {}

  async list(repositoryId: string, filter: ListRequest): Promise<{ total: number; rows: ArtifactRecord[] }> {
    const query = new Map(filter.query);
    const tags = query.get('tags');
    const labels = query.get('labels');
    query.delete('tags');
    query.delete('labels');
    const params = new SqlParams();
    const conditions = [
      `a.repository_id = ${params.add(repositoryId)}`,
      tagCondition(tags, params),
      ...labelConditions(labels, params),
      ...whereFromQuery(query, ARTIFACT_FIELDS, params),
    ];
    const where = whereClause(conditions);
    const count = await this.sql.one<{ n: string }>(`SELECT count(*) AS n FROM artifact a ${where}`, [...params.values]);
    const order = orderBy(filter.sort, ARTIFACT_FIELDS, 'a.push_time DESC', 'a.id DESC');
    const rows = await this.sql.query<ArtifactRecord>(
      `${SELECT} ${where} ORDER BY ${order} LIMIT ${params.add(filter.paging.pageSize)} OFFSET ${params.add(filter.paging.offset)}`,
      params.values,
    );
    return { total: Number(count?.n ?? 0), rows };
  }

  /** The artifacts of every repository of a project, filtered, sorted and paged as a repository's list. */
  async listOfProject(projectId: number, filter: ListRequest): Promise<{ total: number; rows: ArtifactRecord[] }> {
    const query = new Map(filter.query);
    const tags = query.get('tags');
    query.delete('tags');
    const params = new SqlParams();
    const conditions = [
      `a.repository_id IN (SELECT r.id FROM repository r WHERE r.project_id = ${params.add(projectId)})`,
      tagCondition(tags, params),
      ...whereFromQuery(query, ARTIFACT_FIELDS, params),
    ];
    const where = whereClause(conditions);
    const count = await this.sql.one<{ n: string }>(`SELECT count(*) AS n FROM artifact a ${where}`, [...params.values]);
    const order = orderBy(filter.sort, ARTIFACT_FIELDS, 'a.push_time DESC', 'a.id DESC');
    const rows = await this.sql.query<ArtifactRecord>(
      `${SELECT} ${where} ORDER BY ${order} LIMIT ${params.add(filter.paging.pageSize)} OFFSET ${params.add(filter.paging.offset)}`,
      params.values,
    );
    return { total: Number(count?.n ?? 0), rows };
  }

  /**
   * Harbor's latest_in_repository: of the project's artifacts whose `media_type` (or
   * `artifact_type`) is `value`, the last pushed of each repository (all of them on a tie of push
   * times). Other filters do not apply, as in Harbor; the list is paged and sorted as any other.
   */
  async latestOfProject(projectId: number, field: 'media_type' | 'artifact_type', value: string, filter: ListRequest): Promise<{ total: number; rows: ArtifactRecord[] }> {
    const column = field === 'media_type' ? MEDIA_TYPE_SQL : ARTIFACT_TYPE_FIELD_SQL;
    const params = new SqlParams();
    const matching = `a.repository_id IN (SELECT r.id FROM repository r WHERE r.project_id = ${params.add(projectId)}) AND ${column} = ${params.add(value)}`;
    const where = `WHERE ${matching} AND a.push_time = (SELECT max(b.push_time) FROM artifact b WHERE b.repository_id = a.repository_id AND ${column.replace(/\ba\./g, 'b.')} = ${params.add(value)})`;
    const count = await this.sql.one<{ n: string }>(`SELECT count(*) AS n FROM artifact a ${where}`, [...params.values]);
    const order = orderBy(filter.sort, ARTIFACT_FIELDS, 'a.push_time DESC', 'a.id DESC');
    const rows = await this.sql.query<ArtifactRecord>(
      `${SELECT} ${where} ORDER BY ${order} LIMIT ${params.add(filter.paging.pageSize)} OFFSET ${params.add(filter.paging.offset)}`,
      params.values,
    );
    return { total: Number(count?.n ?? 0), rows };
  }

  /** The artifact a digest or tag names in the repository. */
  resolve(repositoryId: string, ref: ArtifactReference, runner: SqlRunner = this.sql): Promise<ArtifactRecord | undefined> {
    if (ref.kind === 'digest') return runner.one<ArtifactRecord>(`${SELECT} WHERE a.repository_id = $1 AND a.digest = $2`, [repositoryId, ref.digest], 'content_artifact_by_digest');
    return runner.one<ArtifactRecord>(
      `${SELECT} JOIN tag t ON t.artifact_id = a.id WHERE t.repository_id = $1 AND t.name = $2`,
      [repositoryId, ref.tag],
      'content_artifact_by_tag',
    );
  }

  /**
   * Records what the artifact's processor abstracted, unless it was recorded meanwhile (two first
   * reads at once both work it out; the first write stays).
   */
  async saveMetadata(id: string, extraAttrs: Record<string, unknown>, icon: string | null): Promise<void> {
    await this.sql.query('UPDATE artifact SET extra_attrs = $2, icon = $3 WHERE id = $1 AND extra_attrs IS NULL', [id, JSON.stringify(extraAttrs), icon]);
  }

  /** An artifact whose own icon has this digest (with what is needed to find the icon's bytes). */
  iconOwner(digest: string): Promise<{ extra_attrs: Record<string, unknown> | null } | undefined> {
    return this.sql.one('SELECT a.extra_attrs FROM artifact a WHERE a.icon = $1 LIMIT 1', [digest]);
  }

  /** Tags of the artifacts, newest first. */
  tagsOf(artifactIds: string[]): Promise<TagRecord[]> {
    if (artifactIds.length === 0) return Promise.resolve([]);
    return this.sql.query<TagRecord>(
      'SELECT id, repository_id, artifact_id, name, push_time, pull_time FROM tag WHERE artifact_id = ANY($1::bigint[]) ORDER BY push_time DESC, id DESC',
      [artifactIds],
    );
  }

  /** The children of the indexes among the artifacts. */
  referencesOf(artifactIds: string[]): Promise<ReferenceRecord[]> {
    if (artifactIds.length === 0) return Promise.resolve([]);
    return this.sql.query<ReferenceRecord>(
      `SELECT ar.parent_id, ar.child_id, c.digest AS child_digest, ar.platform, ar.annotations
         FROM artifact_reference ar JOIN artifact c ON c.id = ar.child_id
        WHERE ar.parent_id = ANY($1::bigint[]) ORDER BY ar.parent_id, ar.child_id`,
      [artifactIds],
    );
  }

  /** Artifacts of the repository whose subject is one of `digests` (signatures, SBOMs, ...). */
  accessoriesOf(repositoryId: string, digests: string[]): Promise<AccessoryRecord[]> {
    if (digests.length === 0) return Promise.resolve([]);
    return this.sql.query<AccessoryRecord>(
      `SELECT a.id, a.repository_id, a.digest, a.subject_digest, a.artifact_type, a.total_size, a.push_time FROM artifact a
        WHERE a.repository_id = $1 AND a.subject_digest = ANY($2::text[]) ORDER BY a.push_time DESC, a.id DESC`,
      [repositoryId, digests],
    );
  }

  /** The accessories of one subject artifact (Harbor's accessory list), paged, filtered and sorted. */
  async listAccessories(subject: ArtifactRecord, { query, sort, paging }: ListRequest): Promise<{ total: number; rows: AccessoryRecord[] }> {
    const params = new SqlParams();
    const where = whereClause([
      `a.repository_id = ${params.add(subject.repository_id)}`,
      `a.subject_digest = ${params.add(subject.digest)}`,
      ...whereFromQuery(query, ACCESSORY_FIELDS, params),
    ]);
    const count = await this.sql.one<{ n: string }>(`SELECT count(*) AS n FROM artifact a ${where}`, [...params.values]);
    const order = orderBy(sort, ACCESSORY_FIELDS, 'a.push_time DESC', 'a.id DESC');
    const rows = await this.sql.query<AccessoryRecord>(
      `SELECT a.id, a.repository_id, a.digest, a.subject_digest, a.artifact_type, a.total_size, a.push_time FROM artifact a ${where}
        ORDER BY ${order} LIMIT ${params.add(paging.pageSize)} OFFSET ${params.add(paging.offset)}`,
      params.values,
    );
    return { total: Number(count?.n ?? 0), rows };
  }

  async listTags(artifactId: string, query: ParsedQuery, sort: SortKey[], paging: Paging): Promise<{ total: number; rows: TagRecord[] }> {
    const params = new SqlParams();
    const where = whereClause([`t.artifact_id = ${params.add(artifactId)}`, ...whereFromQuery(query, TAG_FIELDS, params)]);
    const count = await this.sql.one<{ n: string }>(`SELECT count(*) AS n FROM tag t ${where}`, [...params.values]);
    const order = orderBy(sort, TAG_FIELDS, 't.push_time DESC', 't.id DESC');
    const rows = await this.sql.query<TagRecord>(
      `SELECT t.id, t.repository_id, t.artifact_id, t.name, t.push_time, t.pull_time FROM tag t ${where}
        ORDER BY ${order} LIMIT ${params.add(paging.pageSize)} OFFSET ${params.add(paging.offset)}`,
      params.values,
    );
    return { total: Number(count?.n ?? 0), rows };
  }

  /** Adds the tag unless the repository already has one of that name; undefined when it does. */
  async createTag(tx: SqlRunner, repositoryId: string, artifactId: string, name: string): Promise<string | undefined> {
    const row = await tx.one<{ id: string }>(
      `INSERT INTO tag (repository_id, artifact_id, name) SELECT $1, a.id, $3 FROM artifact a WHERE a.id = $2 AND a.repository_id = $1
       ON CONFLICT (repository_id, name) DO NOTHING RETURNING id`,
      [repositoryId, artifactId, name],
    );
    return row?.id;
  }

  async deleteTag(tx: SqlRunner, artifactId: string, name: string): Promise<boolean> {
    return (await tx.query('DELETE FROM tag WHERE artifact_id = $1 AND name = $2 RETURNING id', [artifactId, name])).length > 0;
  }

  /** Whether the artifact carries the tag. */
  async hasTag(runner: SqlRunner, artifactId: string, name: string): Promise<boolean> {
    return (await runner.one('SELECT 1 FROM tag WHERE artifact_id = $1 AND name = $2', [artifactId, name])) !== undefined;
  }

  /**
   * Deletes an artifact as Harbor does: refused (412) while an index references it; with it go its
   * tags, its accessories, and those children of it that nothing else needs (untagged and in no
   * other index). Blobs stay for garbage collection. Returns what was deleted, each artifact with
   * the tags that went with it (for the caller to refuse, by rolling back, what must not go).
   */
  async deleteDeeply(tx: SqlRunner, artifactId: string): Promise<DeletedArtifact[]> {
    const deleted: DeletedArtifact[] = [];
    await this.deleteOne(tx, artifactId, true, deleted, new Set());
    return deleted;
  }

  private async deleteOne(tx: SqlRunner, id: string, isRoot: boolean, deleted: DeletedArtifact[], visited: Set<string>): Promise<void> {
    if (visited.has(id)) return;
    visited.add(id);
    const art = await tx.one<{ id: string; repository_id: string; digest: string; tags: string[] }>(
      `SELECT a.id, a.repository_id, a.digest, ARRAY(SELECT t.name FROM tag t WHERE t.artifact_id = a.id ORDER BY t.name) AS tags
         FROM artifact a WHERE a.id = $1 FOR UPDATE`,
      [id],
    );
    if (!art) return;
    if (!isRoot && art.tags.length > 0) return;
    const parent = await tx.one<{ digest: string }>(
      'SELECT p.digest FROM artifact_reference ar JOIN artifact p ON p.id = ar.parent_id WHERE ar.child_id = $1 LIMIT 1',
      [id],
    );
    if (parent) {
      if (isRoot) throw precondition(`the artifact ${art.digest} is referenced by the index ${parent.digest}: delete that first`);
      return;
    }
    // Accessories go with their subject, whatever tags they have.
    const accessories = await tx.query<{ id: string }>('SELECT id FROM artifact WHERE repository_id = $1 AND subject_digest = $2', [art.repository_id, art.digest]);
    for (const accessory of accessories) await this.deleteOne(tx, accessory.id, true, deleted, visited);
    const children = await tx.query<{ child_id: string }>('DELETE FROM artifact_reference WHERE parent_id = $1 RETURNING child_id', [id]);
    await tx.query('DELETE FROM artifact WHERE id = $1', [id]);
    deleted.push({ digest: art.digest, tags: art.tags });
    for (const child of children) await this.deleteOne(tx, child.child_id, false, deleted, visited);
  }
}
