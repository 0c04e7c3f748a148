import { Column, Entity, PrimaryColumn, PrimaryGeneratedColumn } from 'typeorm';

@Entity('artifact')
export class Artifact {
  @PrimaryGeneratedColumn({ type: 'bigint' })
  id!: string;

  @Column({ name: 'repository_id', type: 'bigint' })
  repositoryId!: string;

  @Column({ type: 'text' })
  digest!: string;

  @Column({ name: 'media_type', type: 'text' })
  mediaType!: string;

  @Column({ name: 'artifact_type', type: 'text', nullable: true })
  artifactType!: string | null;

  @Column({ name: 'config_media_type', type: 'text', nullable: true })
  configMediaType!: string | null;

  @Column({ name: 'subject_digest', type: 'text', nullable: true })
  subjectDigest!: string | null;

  @Column({ type: 'jsonb', nullable: true })
  annotations!: Record<string, string> | null;

  @Column({ name: 'manifest_size', type: 'bigint' })
  manifestSize!: string;

  /** Manifest plus every blob it references (for an index: plus its children's totals). */
  @Column({ name: 'total_size', type: 'bigint' })
  totalSize!: string;

  @Column({ name: 'push_time', type: 'timestamptz' })
  pushTime!: Date;

  @Column({ name: 'pull_time', type: 'timestamptz', nullable: true })
  pullTime!: Date | null;
}

@Entity('artifact_blob')
export class ArtifactBlob {
  @PrimaryColumn({ name: 'artifact_id', type: 'bigint' })
  artifactId!: string;

  @PrimaryColumn({ name: 'blob_id', type: 'bigint' })
  blobId!: string;
}

@Entity('artifact_reference')
export class ArtifactReference {
  @PrimaryColumn({ name: 'parent_id', type: 'bigint' })
  parentId!: string;

  @PrimaryColumn({ name: 'child_id', type: 'bigint' })
  childId!: string;

  @Column({ type: 'jsonb', nullable: true })
  platform!: Record<string, unknown> | null;

  @Column({ type: 'jsonb', nullable: true })
  annotations!: Record<string, string> | null;
}
