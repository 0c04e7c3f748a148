import { Client } from 'pg';
import { createDataSource, runMigrations } from './index';
import { Artifact, ArtifactBlob, Blob, Project, Repository, RepositoryBlob, Tag, Upload } from './entities';
import { createTestDatabase, TestDatabase } from './testing';

describe('migrations and entities (real PostgreSQL)', () => {
  let db: TestDatabase;

  beforeAll(async () => {
    db = await createTestDatabase('wharf_db');
  });
  afterAll(async () => {
    await db.drop();
  });

  it('records every migration and applies none twice, even when several processes race', async () => {
    const results = await Promise.all([runMigrations(db.url), runMigrations(db.url), runMigrations(db.url)]);
    expect(results.every((r) => r.applied.length === 0)).toBe(true);
    const client = new Client({ connectionString: db.url });
    await client.connect();
    const rows = (await client.query('SELECT version FROM schema_migrations ORDER BY version')).rows;
    await client.end();
    expect(rows.map((r) => r.version)).toContain('0001_registry');
  });

  it('applies new migrations from a directory in order, each in a transaction', async () => {
    const { mkdtempSync, writeFileSync, rmSync } = await import('node:fs');
    const { join } = await import('node:path');
    const { tmpdir } = await import('node:os');
    const dir = mkdtempSync(join(tmpdir(), 'wharf-mig-'));
    try {
      writeFileSync(join(dir, '0001_a.sql'), 'CREATE TABLE mig_a (x int);');
      writeFileSync(join(dir, '0002_b.sql'), 'CREATE TABLE mig_b (x int); SELECT no_such_function();');
      await expect(runMigrations(db.url, dir)).rejects.toThrow(/0002_b\.sql/);
      const client = new Client({ connectionString: db.url });
      await client.connect();
      const tables = (await client.query("SELECT tablename FROM pg_tables WHERE tablename LIKE 'mig_%' ORDER BY 1")).rows;
      await client.end();
      // 0001 landed, the failed 0002 left nothing behind.
      expect(tables.map((t) => t.tablename)).toEqual(['mig_a']);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('maps every entity onto the migrated schema', async () => {
    const ds = createDataSource({ url: db.url, poolSize: 2 });
    await ds.initialize();
    try {
      const project = await ds.getRepository(Project).save({ name: 'team', public: true });
      const repo = await ds.getRepository(Repository).save({ name: 'team/app', projectId: project.id });
      const blob = await ds.getRepository(Blob).save({ digest: 'sha256:' + 'a'.repeat(64), size: '10', lastSeenAt: new Date() });
      await ds.getRepository(RepositoryBlob).save({ repositoryId: repo.id, blobId: blob.id });
      const artifact = await ds.getRepository(Artifact).save({
        repositoryId: repo.id,
        digest: 'sha256:' + 'b'.repeat(64),
        mediaType: 'application/vnd.oci.image.manifest.v1+json',
        artifactType: null,
        configMediaType: 'application/vnd.oci.image.config.v1+json',
        subjectDigest: null,
        annotations: { a: 'b' },
        manifestSize: '100',
        totalSize: '110',
        pushTime: new Date(),
        pullTime: null,
      });
      await ds.getRepository(ArtifactBlob).save({ artifactId: artifact.id, blobId: blob.id });
      await ds.getRepository(Tag).save({ repositoryId: repo.id, artifactId: artifact.id, name: 'v1', pushTime: new Date(), pullTime: null });
      await ds.getRepository(Upload).save({ id: 'u1', repositoryName: 'team/app', offset: '0', leaseUntil: null, createdAt: new Date(), updatedAt: new Date() });
      const tag = await ds.getRepository(Tag).findOneByOrFail({ name: 'v1' });
      expect(tag.artifactId).toBe(artifact.id);
      const found = await ds.getRepository(Artifact).findOneByOrFail({ id: artifact.id });
      expect(found.annotations).toEqual({ a: 'b' });
      // A blob still referenced by an artifact cannot be deleted underneath it.
      await expect(ds.getRepository(Blob).delete({ id: blob.id })).rejects.toThrow(/foreign key/);
    } finally {
      await ds.destroy();
    }
  });
});
