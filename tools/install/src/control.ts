import { spawn } from 'node:child_process';
import { closeSync, openSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { waitFor } from './health';
import type { Layout } from './layout';
import { alive, runningPid } from './pid-file';
import { LOG_FILE_MODE } from './rotating-log';
import type { SupervisorPlan, SupervisorState } from './service-spec';

/** Starts the supervisor detached from this process (it outlives the installer) and returns its pid. */
export async function startSupervisor(layout: Layout, supervisorScript: string): Promise<number> {
  const out = openSync(join(layout.logDir, 'supervisor.log'), 'a', LOG_FILE_MODE);
  const child = spawn(process.execPath, [supervisorScript, layout.servicesFile], {
    detached: true,
    stdio: ['ignore', out, out],
    cwd: layout.runDir,
    env: process.env,
  });
  closeSync(out);
  child.unref();
  const pid = child.pid;
  if (pid === undefined) throw new Error('failed to start the supervisor');
  await waitFor('the supervisor to start', async () => {
    if (!alive(pid)) throw new Error(`the supervisor exited at once; see ${join(layout.logDir, 'supervisor.log')}`);
    return runningPid(layout.pidFile) === pid;
  }, 10_000, 100);
  return pid;
}

/** Stops a running supervisor (which stops its services) and waits until it is gone. */
export async function stopSupervisor(layout: Layout, timeoutMs = 120_000): Promise<boolean> {
  const pid = runningPid(layout.pidFile);
  if (pid === undefined) return false;
  process.kill(pid, 'SIGTERM');
  await waitFor('the installation to stop', async () => !alive(pid), timeoutMs, 200);
  return true;
}

export interface RunningInstallation {
  layout: Layout;
  /** The ports it holds; undefined when its plan predates the record of them. */
  ports?: number[];
}

/** The first of `layouts` whose supervisor runs, with the ports its plan says it holds. */
export function findRunning(layouts: Layout[]): RunningInstallation | undefined {
  const layout = layouts.find((l) => runningPid(l.pidFile) !== undefined);
  if (!layout) return undefined;
  try {
    const plan = JSON.parse(readFileSync(layout.servicesFile, 'utf8')) as SupervisorPlan;
    return { layout, ...(Array.isArray(plan.ports) ? { ports: plan.ports } : {}) };
  } catch {
    return { layout };
  }
}

export function readState(layout: Layout): SupervisorState | undefined {
  try {
    return JSON.parse(readFileSync(layout.stateFile, 'utf8')) as SupervisorState;
  } catch {
    return undefined;
  }
}

export interface StatusReport {
  running: boolean;
  lines: string[];
}

/** Each service's state as the supervisor last recorded it; everything "stopped" without a supervisor. */
export function statusReport(layout: Layout): StatusReport {
  const pid = runningPid(layout.pidFile);
  const state = readState(layout);
  const lines: string[] = [];
  if (pid === undefined) {
    lines.push('supervisor: stopped');
    for (const s of state?.services ?? []) lines.push(`${s.name.padEnd(12)} stopped  restarts=${s.restarts}`);
    return { running: false, lines };
  }
  lines.push(`supervisor: running (pid ${pid}, since ${state?.startedAt ?? '?'})`);
  let all = state !== undefined && state.services.length > 0;
  for (const s of state?.services ?? []) {
    const up = s.status === 'running' && s.pid !== null && alive(s.pid);
    if (!up) all = false;
    lines.push(`${s.name.padEnd(12)} ${s.status.padEnd(10)} pid=${s.pid ?? '-'} restarts=${s.restarts} since=${s.since}`);
  }
  return { running: all, lines };
}
