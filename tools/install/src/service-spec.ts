/**
 * What the supervisor runs: written by the installer to <data_volume>/run/services.json, read by
 * the supervisor daemon. Services start in array order and stop in reverse order.
 */
export type HealthCheck =
  | { kind: 'postgres'; socketDir: string }
  | { kind: 'redis'; socket: string }
  /**
   * A 200 from `url`; with `instanceKey`, only one carrying the installation's instance proof
   * (another process on the port answers without it).
   */
  | { kind: 'http'; url: string; instanceKey?: string }
  /** For a service without a listener: up once it has run this long without exiting. */
  | { kind: 'process'; upForMs: number };

/** The checks that ask the service itself (all but `process`, which the supervisor judges). */
export type ProbeCheck = Exclude<HealthCheck, { kind: 'process' }>;

export interface ServiceSpec {
  name: string;
  command: string;
  args: string[];
  env: Record<string, string>;
  cwd: string;
  /** Run as this user (PostgreSQL refuses to run as root). */
  uid?: number;
  gid?: number;
  health: HealthCheck;
  /** PostgreSQL's fast shutdown is SIGINT; everything else stops on SIGTERM. */
  stopSignal: 'SIGTERM' | 'SIGINT';
}

export interface SupervisorPlan {
  services: ServiceSpec[];
  pidFile: string;
  stateFile: string;
  logDir: string;
  rotateSizeBytes: number;
  rotateCount: number;
  /**
   * Every port the installation listens on: a new start may take them over. Absent in plans
   * written by installers before it was added.
   */
  ports?: number[];
}

/**
 * Starts the supervisor's own lines in each service's log, `<time> [supervisor] starting core`
 * and `<time> [supervisor] core exited code=1 signal=null`: they bound the output of each run.
 */
export const RUN_MARK = '[supervisor]';

export type ServiceStatus = 'starting' | 'running' | 'restarting' | 'stopping' | 'stopped';

export interface ServiceState {
  name: string;
  pid: number | null;
  status: ServiceStatus;
  restarts: number;
  /** ISO time of the last status change. */
  since: string;
}

export interface SupervisorState {
  pid: number;
  startedAt: string;
  services: ServiceState[];
}
