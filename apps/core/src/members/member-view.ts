import { ROLE_NAMES } from '@wharf/auth';
import type { MemberRecord } from './member.repository';

/** Harbor's ProjectMemberEntity. */
export interface ProjectMemberEntity {
  id: number;
  project_id: number;
  entity_name: string;
  role_name: string;
  role_id: number;
  entity_id: number;
  entity_type: 'u' | 'g';
}

export function memberEntity(row: MemberRecord): ProjectMemberEntity {
  return {
    id: row.id,
    project_id: row.project_id,
    entity_name: row.entity_name,
    role_name: ROLE_NAMES[row.role],
    role_id: row.role,
    entity_id: row.user_id ?? row.group_id ?? 0,
    entity_type: row.user_id !== null ? 'u' : 'g',
  };
}
