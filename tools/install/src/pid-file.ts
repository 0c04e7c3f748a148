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

/** The live process recorded in a pid file, if any; a stale file counts as none. */
export function runningPid(pidFile: string): number | undefined {
  let text: string;
  try {
    text = readFileSync(pidFile, 'utf8');
  } catch {
    return undefined;
  }
  const pid = Number(text.trim());
  return Number.isInteger(pid) && pid > 0 && alive(pid) ? pid : undefined;
}

/**
 * Takes the pid file as a lock: created exclusively, or replaced when the process it names is
 * gone. Returns the function that releases it.
 */
export function acquirePidFile(pidFile: string): () => void {
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      writeFileSync(pidFile, `${process.pid}\n`, { flag: 'wx', mode: 0o644 });
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
