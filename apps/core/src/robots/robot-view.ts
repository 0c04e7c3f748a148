import type { RobotPermission } from '@wharf/auth';
import { robotLoginName, withoutProjectIds } from '@wharf/identity';
import type { RobotRecord } from './robot.repository';

/** Harbor's Robot as the API returns it (never with its secret). */
export interface RobotView {
  id: number;
  name: string;
  description: string;
  level: string;
  duration: number;
  editable: boolean;
  disable: boolean;
  /** Unix seconds; -1 for never. */
  expires_at: number;
  permissions: RobotPermission[];
  creator_type: string;
  creator_ref: number;
  creation_time: string;
  update_time: string;
}

/** Harbor's RobotCreated: the only answer that carries the secret. */
export interface RobotCreated {
  id: number;
  name: string;
  secret: string;
  creation_time: string;
  expires_at: number;
}

export function robotFullName(row: Pick<RobotRecord, 'name' | 'project_name'>, prefix: string): string {
  return robotLoginName(row.name, row.project_name ?? undefined, prefix);
}

export function expiresAtSeconds(expiresAt: Date | null): number {
  return expiresAt === null ? -1 : Math.floor(expiresAt.getTime() / 1000);
}

export function robotView(row: RobotRecord, prefix: string): RobotView {
  return {
    id: row.id,
    name: robotFullName(row, prefix),
    description: row.description,
    level: row.level,
    duration: row.duration,
    // Every robot made through this API is a "v2" robot in Harbor's terms: editable.
    editable: true,
    disable: row.disabled,
    expires_at: expiresAtSeconds(row.expires_at),
    permissions: withoutProjectIds(row.permissions),
    creator_type: row.creator_type,
    creator_ref: row.creator_ref,
    creation_time: row.created_at.toISOString(),
    update_time: row.updated_at.toISOString(),
  };
}
