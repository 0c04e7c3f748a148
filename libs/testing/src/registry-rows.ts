import { createHash, randomBytes } from 'node:crypto';
import { Pool } from 'pg';

export interface ArtifactRow {
  id: string;
  digest: string;
}

export interface ArtifactOptions {
  mediaType?: string;
  /** Config media type (and, unless `artifactType` is given, the recorded artifact type). */
  configMediaType?: string | null;
  artifactType?: string | null;
  subjectDigest?: string;
  annotations?: Record<string, string>;
  size?: number;
  pushTime?: Date;
  /** The manifest's digest (for content put into storage); random by default. */
  digest?: string;
}

export function randomDigest(): string {
  return `sha256:${createHash('sha256').update(randomBytes(16)).digest('hex')}`;
}

const OCI_MANIFEST = 'application/vnd.oci.image.manifest.v1+json';
const OCI_CONFIG = 'application/vnd.oci.image.config.v1+json';
const OCI_INDEX = 'application/vnd.oci.image.index.v1+json';

/**
 * Repository, artifact and tag rows written straight into a test database, shaped as the
 * registry writes them on push: for API tests that need many or odd artifacts quickly. Tests that
 * care about the registry itself push through a real one instead.
 */
export class RegistryRows {
  private constructor(private readonly pool: Pool) {}

  static open(databaseUrl: string): RegistryRows {
    return new RegistryRows(new Pool({ connectionString: databaseUrl, max: 2 }));
  }

  async close(): Promise<void> {
    await this.pool.end();
  }

  async query<T = Record<string, unknown>>(text: string, values: unknown[] = []): Promise<T[]> {
    return (await this.pool.query(text, values)).rows as T[];
  }

  /**
   * A repository in the project named by its first component (which must exist), as a push that
   * recorded an artifact leaves it: listed by the API even before this helper adds artifacts.
   */
  async repository(name: string): Promise<string> {
    const project = name.slice(0, name.indexOf('/'));
    const rows = await this.query<{ id: string }>(
      'INSERT INTO repository (name, project_id, first_push_time) SELECT $1, id, now() FROM project WHERE name = $2 RETURNING id',
      [name, project],
    );
    if (rows.length === 0) throw new Error(`project ${project} does not exist`);
    return rows[0].id;
  }

  /** An image manifest (by default) with its manifest blob linked, as a push leaves it. */
  async artifact(repositoryId: string, options: ArtifactOptions = {}): Promise<ArtifactRow> {
    const digest = options.digest ?? randomDigest();
    const configMediaType = options.configMediaType === undefined ? OCI_CONFIG : options.configMediaType;
    const artifactType = options.artifactType === undefined ? configMediaType : options.artifactType;
    const size = options.size ?? 1000;
    const [row] = await this.query<{ id: string }>(
      `INSERT INTO artifact (repository_id, digest, media_type, artifact_type, config_media_type, subject_digest, annotations,
                             manifest_size, total_size, push_time)
       VALUES ($1, $2, $3, $4, $5, $6, $7, 500, $8, COALESCE($9, now())) RETURNING id`,
      [
        repositoryId,
        digest,
        options.mediaType ?? OCI_MANIFEST,
        artifactType,
        configMediaType,
        options.subjectDigest ?? null,
        options.annotations ? JSON.stringify(options.annotations) : null,
        size,
        options.pushTime ?? null,
      ],
    );
    const [blob] = await this.query<{ id: string }>('INSERT INTO blob (digest, size, media_type) VALUES ($1, 500, $2) RETURNING id', [digest, options.mediaType ?? OCI_MANIFEST]);
    await this.query('INSERT INTO artifact_blob (artifact_id, blob_id) VALUES ($1, $2)', [row.id, blob.id]);
    await this.query('INSERT INTO repository_blob (repository_id, blob_id) VALUES ($1, $2)', [repositoryId, blob.id]);
    return { id: row.id, digest };
  }

  /** An OCI index over `children` (artifacts of the same repository). */
  async index(repositoryId: string, children: { artifact: ArtifactRow; platform?: Record<string, unknown> }[]): Promise<ArtifactRow> {
    const index = await this.artifact(repositoryId, { mediaType: OCI_INDEX, configMediaType: null, artifactType: null });
    for (const child of children) {
      await this.query('INSERT INTO artifact_reference (parent_id, child_id, platform) VALUES ($1, $2, $3)', [
        index.id,
        child.artifact.id,
        child.platform ? JSON.stringify(child.platform) : null,
      ]);
    }
    return index;
  }

  async tag(repositoryId: string, artifactId: string, name: string): Promise<string> {
    const [row] = await this.query<{ id: string }>('INSERT INTO tag (repository_id, artifact_id, name) VALUES ($1, $2, $3) RETURNING id', [
      repositoryId,
      artifactId,
      name,
    ]);
    return row.id;
  }

  async count(table: 'artifact' | 'tag' | 'repository' | 'blob' | 'artifact_reference' | 'robot' | 'audit_log', where = 'true', values: unknown[] = []): Promise<number> {
    const [row] = await this.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${table} WHERE ${where}`, values);
    return row.n;
  }
}
