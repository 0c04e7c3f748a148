import { Injectable, Logger } from '@nestjs/common';
import type { Access } from '@wharf/auth';
import { requireAuthenticated, requireProjectAccess, requireSysadmin } from '../auth/authorize';
import { notFound } from '../http/harbor-error';
import type { Paging } from '../http/paging';
import type { SortKey } from '../http/query';
import { projectRef } from '../projects/project-view';
import { quotaOrder, QuotaStore } from './quota.store';
import { QuotaView, quotaView } from './quota-view';
import { parseQuotaUpdate } from './storage-limit';

/** Every quota here belongs to a project: Harbor's only quota reference type. */
export const PROJECT_REFERENCE = 'project';

const MAX_ID = 2_147_483_647;

export interface QuotaListRequest {
  reference?: string;
  referenceId?: string;
  sort: SortKey[];
  paging: Paging;
}

/**
 * Harbor's /quotas. A quota is its project's storage limit and usage, and its id is the
 * project's id. Listing and changing quotas is for system administrators, as in Harbor; a
 * project's members may also read its own quota (the matrix's quota/read), which Harbor's
 * console otherwise gets from the project summary.
 */
@Injectable()
export class QuotasService {
  private readonly logger = new Logger('quotas');

  constructor(private readonly quotas: QuotaStore) {}

  async list(access: Access, req: QuotaListRequest): Promise<{ total: number; items: QuotaView[] }> {
    requireSysadmin(access);
    const { sort } = req;
    // Refused before any filter can make the answer empty: a bad sort is a 400 whatever the data.
    quotaOrder(sort);
    // Filters compare as Harbor's do, as strings: one that nothing can match lists nothing.
    if (req.reference && req.reference !== PROJECT_REFERENCE) return { total: 0, items: [] };
    let projectId: number | undefined;
    if (req.referenceId) {
      if (!/^[1-9]\d{0,9}$/.test(req.referenceId) || Number(req.referenceId) > MAX_ID) return { total: 0, items: [] };
      projectId = Number(req.referenceId);
    }
    const { total, rows } = await this.quotas.list({ projectId, sort, paging: req.paging });
    return { total, items: rows.map(quotaView) };
  }

  async get(access: Access, id: number): Promise<QuotaView> {
    // No one reads a quota anonymously: 401 before saying whether it exists.
    requireAuthenticated(access);
    const row = await this.quotas.get(id);
    if (!row) throw notFound(`quota ${id} not found`);
    requireProjectAccess(access, projectRef({ id: row.project_id, name: row.project_name, public: row.public }), 'quota', 'read');
    return quotaView(row);
  }

  /** A limit below the current usage is taken, as in Harbor: nothing is removed, pushes that add are refused. */
  async update(access: Access, id: number, body: unknown): Promise<void> {
    requireSysadmin(access);
    const storage = parseQuotaUpdate(body);
    if (!(await this.quotas.setHard(id, storage))) throw notFound(`quota ${id} not found`);
    this.logger.log(`set storage limit: project=${id} storage=${storage}`);
  }
}
