import { parseJobParameters } from './gc-schedule';

/** Harbor's GCHistory: one run of garbage collection. */
export interface GcRun {
  id: number;
  job_name: string;
  /** MANUAL or SCHEDULE. */
  job_kind: string;
  job_parameters: string;
  job_status: string;
  schedule?: { type?: string; cron?: string };
  deleted: boolean;
  creation_time: string;
  update_time: string;
}

/** Statuses after which nothing changes any more. */
const ACTIVE = new Set(['Pending', 'Running']);

export function isActive(status: string | undefined): boolean {
  return ACTIVE.has(status ?? '');
}

/** What a run did or would do (a dry run counts without deleting), where the run recorded it. */
export interface GcFigures {
  dryRun: boolean;
  deleteUntagged: boolean;
  artifacts?: number;
  blobs?: number;
  freedBytes?: number;
}

function number(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isFinite(value) ? value : undefined;
}

/** Figures under Wharf's names or Harbor's (purged_manifests, purged_blobs, freed_space). */
export function gcFigures(run: Pick<GcRun, 'job_parameters'>): GcFigures {
  const p = parseJobParameters(run.job_parameters);
  return {
    dryRun: p['dry_run'] === true,
    deleteUntagged: p['delete_untagged'] === true,
    artifacts: number(p['manifests_deleted']) ?? number(p['purged_manifests']),
    blobs: number(p['blobs_deleted']) ?? number(p['purged_blobs']),
    freedBytes: number(p['freed_space']),
  };
}
