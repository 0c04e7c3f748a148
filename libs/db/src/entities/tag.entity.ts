import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';

@Entity('tag')
export class Tag {
  @PrimaryGeneratedColumn({ type: 'bigint' })
  id!: string;

  @Column({ name: 'repository_id', type: 'bigint' })
  repositoryId!: string;

  @Column({ name: 'artifact_id', type: 'bigint' })
  artifactId!: string;

  @Column({ type: 'text' })
  name!: string;

  @Column({ name: 'push_time', type: 'timestamptz' })
  pushTime!: Date;

  @Column({ name: 'pull_time', type: 'timestamptz', nullable: true })
  pullTime!: Date | null;
}
