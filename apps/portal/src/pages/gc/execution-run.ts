import { parseJobParameters } from './gc-schedule';

/**
 * Harbor's GCHistory / ExecHistory (the same fields): one run of a Clean Up job, garbage
 * collection or the audit log purge.
 */
export interface ExecutionRun {
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

/** Whether the run only counted (both jobs record dry_run among their parameters). */
export function isDryRun(run: Pick<ExecutionRun, 'job_parameters'>): boolean {
  return parseJobParameters(run.job_parameters)['dry_run'] === true;
}

/** What a run did or would do (a dry run counts without deleting), where the run recorded it. */
export interface GcFigures {
  dryRun: boolean;
  deleteUntagged: boolean;
  artifacts?: number;
  blobs?: number;
  freedBytes?: number;
}

export function finiteNumber(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isFinite(value) ? value : undefined;
}

/** Figures under Wharf's names or Harbor's (purged_manifests, purged_blobs, freed_space). */
export function gcFigures(run: Pick<ExecutionRun, 'job_parameters'>): GcFigures {
  const p = parseJobParameters(run.job_parameters);
  return {
    dryRun: p['dry_run'] === true,
    deleteUntagged: p['delete_untagged'] === true,
    artifacts: finiteNumber(p['manifests_deleted']) ?? finiteNumber(p['purged_manifests']),
    blobs: finiteNumber(p['blobs_deleted']) ?? finiteNumber(p['purged_blobs']),
    freedBytes: finiteNumber(p['freed_space']),
  };
}
