import { Column, Entity, PrimaryColumn } from 'typeorm';

@Entity('upload')
export class Upload {
  @PrimaryColumn({ type: 'text' })
  id!: string;

  @Column({ name: 'repository_name', type: 'text' })
  repositoryName!: string;

  /** Bytes acknowledged to the client. */
  @Column({ name: 'offset', type: 'bigint' })
  offset!: string;

  /** While set in the future, one request is appending; others must not. */
  @Column({ name: 'lease_until', type: 'timestamptz', nullable: true })
  leaseUntil!: Date | null;

  @Column({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @Column({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;
}
