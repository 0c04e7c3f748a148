/** The shape of a benchmark run, as written to `--json` and rendered by report.ts. */

export const SCENARIOS = [
  'push-monolithic',
  'push-chunked',
  'pull-1',
  'pull-4',
  'small-images',
  'small-pulls',
  'manifest-get',
  'tags-list',
  'catalog',
  'token-credentials',
  'token-anonymous',
] as const;
export type ScenarioId = (typeof SCENARIOS)[number];

/** `installed`: Wharf as install.sh runs it (gateway, core, token auth), reached through its gateway. */
export type TargetName = 'wharf' | 'distribution' | 'nginx' | 'gateway' | 'installed';

/** CPU seconds spent while one scenario ran (all iterations), next to its wall-clock time. */
export interface CpuUsage {
  wallS: number;
  /** The server's process tree (Wharf: primary and cluster workers; installed: the supervisor and every service). */
  serverS?: number;
  /** PostgreSQL backends connected to the server's database (Wharf started by the bench only). */
  dbS?: number;
  /** An installation: CPU seconds of each service's process tree (part of serverS). */
  byServiceS?: Record<string, number>;
  /** The benchmark process (its load-generating worker threads) and its reaped children (wrk). */
  clientS: number;
  /** Everything else the machine ran meanwhile: a busy machine makes every figure unreliable. */
  otherS?: number;
  /** Block-device traffic of the whole machine (a pull that reads the disk is not a cached pull). */
  diskReadBytes?: number;
  diskWrittenBytes?: number;
}

export interface ScenarioResult {
  unit: 'MB/s' | 'req/s' | 'images/s';
  /** The reported figure: the median of `samples` for repeated runs, else the one measurement. */
  value: number;
  samples: number[];
  p50Ms?: number;
  p99Ms?: number;
  requests?: number;
  errors?: number;
  cpu?: CpuUsage;
  peakRssBytes?: number;
  /** Measurements taken (more than one when other processes disturbed the first). */
  attempts?: number;
  note?: string;
}

export interface TargetResult {
  name: TargetName;
  label: string;
  url: string;
  version?: string;
  /** Whether the bench started the server (and so could sample its RSS and CPU). */
  managed: boolean;
  scenarios: Partial<Record<ScenarioId, ScenarioResult>>;
  idleRssBytes?: number;
  peakRssBytes?: number;
  /** Proportional set size: pages shared between the tree's processes counted once. */
  idlePssBytes?: number;
  peakPssBytes?: number;
}

export interface BenchSettings {
  quick: boolean;
  blobBytes: number;
  chunkBytes: number;
  iterations: number;
  durationS: number;
  warmupS: number;
  concurrency: number;
  images: number;
  pushConcurrency: number;
  loadThreads: number;
  getLoadGenerator: 'wrk' | 'node';
  wharfWorkers?: number;
  /** Whether each measurement started with the clean page cache dropped (absent in older reports). */
  droppedCaches?: boolean;
}

export interface MachineInfo {
  cpus: number;
  cpuModel: string;
  memoryBytes: number;
  os: string;
  kernel: string;
  node: string;
}

export interface BenchReport {
  startedAt: string;
  finishedAt: string;
  machine: MachineInfo;
  settings: BenchSettings;
  targets: TargetResult[];
}
