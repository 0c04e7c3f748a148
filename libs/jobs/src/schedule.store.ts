import type { Sql } from '@wharf/db';
import type { VendorType } from './contract';
import type { CronType } from './cron';

export interface Schedule {
  id: string;
  vendorType: VendorType;
  vendorId: string;
  cronType: CronType;
  cron: string;
  parameters: Record<string, unknown>;
  creationTime: Date;
  updateTime: Date;
}

export interface ScheduleInput {
  vendorType: VendorType;
  vendorId?: string;
  cronType: CronType;
  cron: string;
  parameters?: Record<string, unknown>;
}

type ScheduleDbRow = {
  id: string;
  vendor_type: VendorType;
  vendor_id: string;
  cron_type: CronType;
  cron: string;
  parameters: Record<string, unknown>;
  creation_time: Date;
  update_time: Date;
};

const COLUMNS = 'id, vendor_type, vendor_id, cron_type, cron, parameters, creation_time, update_time';

function toSchedule(r: ScheduleDbRow): Schedule {
  return {
    id: r.id,
    vendorType: r.vendor_type,
    vendorId: r.vendor_id,
    cronType: r.cron_type,
    cron: r.cron,
    parameters: r.parameters,
    creationTime: r.creation_time,
    updateTime: r.update_time,
  };
}

/**
 * Cron schedules, one per vendor (GC) or per policy (retention). The rows are the truth; the
 * jobservice mirrors them into queue schedulers (see ScheduleSync).
 */
export class ScheduleStore {
  constructor(private readonly sql: Sql) {}

  async get(vendorType: VendorType, vendorId = '-1'): Promise<Schedule | undefined> {
    const row = await this.sql.one<ScheduleDbRow>(`SELECT ${COLUMNS} FROM schedule WHERE vendor_type = $1 AND vendor_id = $2`, [vendorType, vendorId]);
    return row && toSchedule(row);
  }

  async byId(id: string): Promise<Schedule | undefined> {
    if (!/^\d{1,18}$/.test(id)) return undefined;
    const row = await this.sql.one<ScheduleDbRow>(`SELECT ${COLUMNS} FROM schedule WHERE id = $1`, [id]);
    return row && toSchedule(row);
  }

  async all(): Promise<Schedule[]> {
    return (await this.sql.query<ScheduleDbRow>(`SELECT ${COLUMNS} FROM schedule ORDER BY id`)).map(toSchedule);
  }

  async page(page: number, pageSize: number): Promise<{ items: Schedule[]; total: number }> {
    const [count, rows] = await Promise.all([
      this.sql.one<{ n: string }>('SELECT count(*) AS n FROM schedule'),
      this.sql.query<ScheduleDbRow>(`SELECT ${COLUMNS} FROM schedule ORDER BY id LIMIT $1 OFFSET $2`, [pageSize, (page - 1) * pageSize]),
    ]);
    return { items: rows.map(toSchedule), total: Number(count?.n ?? 0) };
  }

  /** Creates or replaces the vendor's schedule. */
  async put(s: ScheduleInput): Promise<Schedule> {
    const row = await this.sql.one<ScheduleDbRow>(
      `INSERT INTO schedule (vendor_type, vendor_id, cron_type, cron, parameters) VALUES ($1, $2, $3, $4, $5)
       ON CONFLICT (vendor_type, vendor_id) DO UPDATE
         SET cron_type = EXCLUDED.cron_type, cron = EXCLUDED.cron, parameters = EXCLUDED.parameters, update_time = now()
       RETURNING ${COLUMNS}`,
      [s.vendorType, s.vendorId ?? '-1', s.cronType, s.cron, JSON.stringify(s.parameters ?? {})],
    );
    return toSchedule(row!);
  }

  async remove(vendorType: VendorType, vendorId = '-1'): Promise<boolean> {
    const rows = await this.sql.query('DELETE FROM schedule WHERE vendor_type = $1 AND vendor_id = $2 RETURNING id', [vendorType, vendorId]);
    return rows.length > 0;
  }
}
