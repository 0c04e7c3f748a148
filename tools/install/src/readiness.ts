import { closeSync, existsSync, fstatSync, openSync, readSync } from 'node:fs';
import { join } from 'node:path';
import { readState } from './control';
import { provenGet, waitFor } from './health';
import type { Layout } from './layout';
import { runningPid } from './pid-file';
import { RUN_MARK, type ServiceState, type SupervisorState } from './service-spec';

/**
 * When a started installation counts as ready, and when it has failed: the installer waits for
 * core and the registry to answer through the gateway with this installation's instance proof,
 * and gives up as soon as a service keeps restarting or the supervisor has stopped.
 */

/** Restarts of one service while the installer waits that mean it will not come up by itself. */
export const RESTART_LIMIT = 3;

/** Why a start failed, with the log lines that show it. */
export class StartFailure extends Error {
  constructor(
    message: string,
    readonly evidence: string,
  ) {
    super(message);
  }
}

export interface ReadinessTarget {
  /** The gateway's address on this machine, e.g. `http://127.0.0.1:80`. */
  gatewayUrl: string;
  /** The Host header clients send (the configured hostname may not resolve here). */
  hostHeader: string;
  instanceKey: string;
  layout: Layout;
  supervisorPid: number;
}

/** The first service of this supervisor's run that restarted `limit` times or more. */
export function crashLooping(state: SupervisorState | undefined, supervisorPid: number, limit = RESTART_LIMIT): ServiceState | undefined {
  // A state file left by an earlier supervisor says nothing about this one.
  if (state?.pid !== supervisorPid) return undefined;
  return state.services.find((s) => s.restarts >= limit);
}

/** Whether the registry and core answer through the gateway, each proving it is this installation's. */
export async function entryPointAnswers(target: Pick<ReadinessTarget, 'gatewayUrl' | 'hostHeader' | 'instanceKey'>): Promise<boolean> {
  const get = (path: string) => provenGet(`${target.gatewayUrl}${path}`, target.instanceKey, { hostHeader: target.hostHeader });
  try {
    const [v2, ping] = await Promise.all([get('/v2/'), get('/api/v2.0/ping')]);
    return v2.status === 401 && v2.proven && ping.status === 200 && ping.proven && ping.body.includes('Pong');
  } catch {
    // Not listening yet.
    return false;
  }
}

/** Waits until the installation answers; throws StartFailure once it cannot, or waitFor's timeout. */
export async function waitUntilReady(target: ReadinessTarget, timeoutMs: number): Promise<void> {
  const { layout, supervisorPid } = target;
  await waitFor(
    'the registry to answer through the gateway',
    async () => {
      if (runningPid(layout.pidFile) !== supervisorPid) throw new StartFailure('the installation stopped while starting', tailLogs(layout));
      const looping = crashLooping(readState(layout), supervisorPid);
      if (looping) {
        const file = join(layout.logDir, `${looping.name}.log`);
        throw new StartFailure(`${looping.name} keeps restarting (${looping.restarts} restarts while starting)`, `--- ${file}, its last run:\n${lastRun(readTail(file)).join('\n')}`);
      }
      return entryPointAnswers(target);
    },
    timeoutMs,
    500,
  );
}

/** At most the last `bytes` of a file, from its first whole line. */
export function readTail(file: string, bytes = 64 * 1024): string {
  if (!existsSync(file)) return '';
  const fd = openSync(file, 'r');
  try {
    const size = fstatSync(fd).size;
    const start = Math.max(0, size - bytes);
    const buffer = Buffer.alloc(size - start);
    readSync(fd, buffer, 0, buffer.length, start);
    const text = buffer.toString('utf8');
    return start === 0 ? text : text.slice(text.indexOf('\n') + 1);
  } finally {
    closeSync(fd);
  }
}

/**
 * The output of a service's last run that ended, up to its exit line (the supervisor marks where
 * each run starts and ends): what it said before dying, not the start of the run after it.
 */
export function lastRun(log: string, maxLines = 20): string[] {
  const lines = log.trimEnd().split('\n');
  const isMark = (line: string, event: RegExp) => line.includes(` ${RUN_MARK} `) && event.test(line.slice(line.indexOf(RUN_MARK) + RUN_MARK.length + 1));
  let end = lines.length - 1;
  while (end >= 0 && !isMark(lines[end], /^\S+ exited /)) end--;
  if (end < 0) return lines.slice(-maxLines);
  let start = end - 1;
  while (start >= 0 && !isMark(lines[start], /^starting /)) start--;
  return lines.slice(Math.max(start + 1, end + 1 - maxLines), end + 1);
}

/** The last lines of each service's log, for a start that failed without a clear culprit. */
export function tailLogs(layout: Layout): string {
  const parts: string[] = [];
  for (const name of ['supervisor', 'postgresql', 'redis', 'core', 'registry', 'jobservice', 'nginx']) {
    const file = join(layout.logDir, `${name}.log`);
    if (!existsSync(file)) continue;
    parts.push(`--- ${file}\n${readTail(file).trimEnd().split('\n').slice(-8).join('\n')}`);
  }
  return parts.join('\n');
}
