import { readFileSync, rmSync, writeFileSync } from 'node:fs';

/** Whether a process with this id exists (signal 0 checks without sending anything). */
export function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * When the process started, in clock ticks since boot (field 22 of /proc/<pid>/stat); undefined
 * where /proc is not there. A pid and its start time together name one process: a pid alone may
 * since have been given to another process, such as a database backend.
 */
export function startTime(pid: number): string | undefined {
  let stat: string;
  try {
    stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return undefined;
  }
  // The command name is parenthesised and may hold spaces; the start time is the 20th field after it.
  return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19];
}

/** What a pid file holds: the pid, and its start time where known. */
export function pidFileText(pid: number): string {
  const started = startTime(pid);
  return started === undefined ? `${pid}\n` : `${pid} ${started}\n`;
}

/**
 * The live process recorded in a pid file, if any. A stale file counts as none, and so does one
 * whose pid now belongs to a process that started at another time (the pid was reused).
 */
export function runningPid(pidFile: string): number | undefined {
  let text: string;
  try {
    text = readFileSync(pidFile, 'utf8');
  } catch {
    return undefined;
  }
  const [pidText, recorded] = text.trim().split(/\s+/);
  const pid = Number(pidText);
  if (!Number.isInteger(pid) || pid <= 0 || !alive(pid)) return undefined;
  if (recorded !== undefined) {
    const now = startTime(pid);
    if (now !== undefined && now !== recorded) return undefined;
  }
  return pid;
}

/**
 * Takes the pid file as a lock: created exclusively, or replaced when the process it names is
 * gone. Returns the function that releases it.
 */
export function acquirePidFile(pidFile: string): () => void {
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      writeFileSync(pidFile, pidFileText(process.pid), { flag: 'wx', mode: 0o644 });
      return () => {
        if (runningPid(pidFile) === process.pid) rmSync(pidFile, { force: true });
      };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      const holder = runningPid(pidFile);
      if (holder !== undefined && holder !== process.pid) throw new Error(`another supervisor (pid ${holder}) already runs this data volume`);
      rmSync(pidFile, { force: true });
    }
  }
  throw new Error(`could not take the lock ${pidFile}`);
}
