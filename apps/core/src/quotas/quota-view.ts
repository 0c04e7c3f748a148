import type { QuotaRecord } from './quota.store';

/** Harbor's Quota for a project; its id is the project's id (one quota per project). */
export interface QuotaView {
  id: number;
  ref: { id: number; name: string; owner_name: string };
  hard: { storage: number };
  used: { storage: number };
  creation_time: string;
  update_time: string;
}

export function quotaView(row: QuotaRecord): QuotaView {
  return {
    id: row.project_id,
    ref: { id: row.project_id, name: row.project_name, owner_name: row.owner_name ?? '' },
    hard: { storage: Number(row.hard) },
    used: { storage: Number(row.used) },
    creation_time: row.creation_time.toISOString(),
    update_time: row.update_time.toISOString(),
  };
}
