import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';

/** RSS and CPU time of processes from /proc (Linux only). Processes that are gone count as zero. */

let ticksPerSecond: number | undefined;
function clockTicks(): number {
  if (ticksPerSecond === undefined) {
    try {
      ticksPerSecond = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
    } catch {
      ticksPerSecond = 100;
    }
  }
  return ticksPerSecond;
}

function read(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
}

/** The pid and all its descendants, from /proc/<pid>/task/<tid>/children. */
export function processTree(pid: number): number[] {
  const out: number[] = [];
  const queue = [pid];
  while (queue.length > 0) {
    const p = queue.shift() as number;
    out.push(p);
    let tasks: string[] = [];
    try {
      tasks = readdirSync(`/proc/${p}/task`);
    } catch {
      continue;
    }
    for (const t of tasks) {
      const children = read(`/proc/${p}/task/${t}/children`);
      if (!children) continue;
      for (const c of children.trim().split(/\s+/)) if (c) queue.push(Number(c));
    }
  }
  return out;
}

export function rssBytes(pid: number): number {
  const m = /^VmRSS:\s+(\d+) kB/m.exec(read(`/proc/${pid}/status`) ?? '');
  return m ? Number(m[1]) * 1024 : 0;
}

/** Fields of /proc/<pid>/stat after the command name (which may hold spaces and parentheses). */
function statFields(pid: number | 'self'): string[] | undefined {
  const stat = read(`/proc/${pid}/stat`);
  if (!stat) return undefined;
  return stat.slice(stat.lastIndexOf(')') + 2).split(' ');
}

/** User + system CPU seconds of one process (all its threads). */
export function cpuSeconds(pid: number): number {
  const f = statFields(pid);
  // utime and stime are fields 14 and 15 of stat(5); f[0] is field 3.
  return f ? (Number(f[11]) + Number(f[12])) / clockTicks() : 0;
}

/** The start time of a process (clock ticks after boot): with the pid, identifies it uniquely. */
export function startTime(pid: number): number | undefined {
  const f = statFields(pid);
  // starttime is field 22.
  return f ? Number(f[19]) : undefined;
}

/** CPU seconds of this process's children that have exited and been waited for (wrk runs). */
export function reapedChildrenCpuSeconds(): number {
  const f = statFields('self');
  // cutime and cstime are fields 16 and 17.
  return f ? (Number(f[13]) + Number(f[14])) / clockTicks() : 0;
}

/**
 * Proportional set size: each shared page divided among the processes mapping it, so the sum over
 * cluster workers counts the node binary once (an RSS sum counts it once per process).
 */
export function pssBytes(pid: number): number {
  const m = /^Pss:\s+(\d+) kB/m.exec(read(`/proc/${pid}/smaps_rollup`) ?? '');
  return m ? Number(m[1]) * 1024 : 0;
}

export function treeMemory(pid: number): { rssBytes: number; pssBytes: number } {
  let rss = 0;
  let pss = 0;
  for (const p of processTree(pid)) {
    rss += rssBytes(p);
    pss += pssBytes(p);
  }
  return { rssBytes: rss, pssBytes: pss };
}

export function treeCpuSeconds(pid: number): number {
  return processTree(pid).reduce((a, p) => a + cpuSeconds(p), 0);
}

/** CPU seconds of the current process (main and worker threads) plus its reaped children. */
export function clientCpuSeconds(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1e6 + reapedChildrenCpuSeconds();
}

/**
 * CPU seconds the whole machine has been busy since boot (all cores), from /proc/stat: user, nice,
 * system and steal. Interrupt time is left out: on loopback it is mostly the benchmark's own
 * traffic. Minus what the bench and its servers used, this is other processes' load.
 */
export function machineBusySeconds(): number {
  const line = (read('/proc/stat') ?? '').split('\n')[0];
  const f = line.trim().split(/\s+/).slice(1).map(Number);
  if (f.length < 8) return 0;
  const [user, nice, system, , , , , steal] = f;
  return (user + nice + system + steal) / clockTicks();
}

/**
 * Bytes read from and written to the machine's disks since boot (/proc/diskstats, whole devices
 * only: no partitions, loop, RAM or zram devices, so nothing is counted twice).
 */
export function diskBytes(): { read: number; written: number } {
  let disks: Set<string>;
  try {
    disks = new Set(readdirSync('/sys/block').filter((d) => !/^(loop|ram|zram|dm-|md)/.test(d)));
  } catch {
    return { read: 0, written: 0 };
  }
  let readBytes = 0;
  let writtenBytes = 0;
  for (const line of (read('/proc/diskstats') ?? '').split('\n')) {
    const f = line.trim().split(/\s+/);
    if (f.length < 10 || !disks.has(f[2])) continue;
    // Fields 6 and 10 of diskstats: sectors read and written, 512 bytes each.
    readBytes += Number(f[5]) * 512;
    writtenBytes += Number(f[9]) * 512;
  }
  return { read: readBytes, written: writtenBytes };
}
