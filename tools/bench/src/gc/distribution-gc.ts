import { execFileSync, spawn } from 'node:child_process';
import { createWriteStream, readFileSync } from 'node:fs';
import { DISTRIBUTION_BIN } from '../servers/distribution';
import { clientCpuSeconds, machineBusySeconds, reapedChildrenCpuSeconds } from '../probes/process-tree';

export interface DistributionGcRun {
  version?: string;
  wallS: number;
  cpuS: number;
  otherCpuS: number;
  /** "blob eligible for deletion" lines of its output. */
  eligible: number;
  /** Seconds until it printed its summary: marking every repository and listing every blob. */
  markS?: number;
}

export function distributionVersion(): string | undefined {
  try {
    return execFileSync(DISTRIBUTION_BIN, ['--version'], { encoding: 'utf8' }).trim().split(/\s+/).pop();
  } catch {
    return undefined;
  }
}

/**
 * `docker-registry garbage-collect <config>`, offline as distribution requires (no server runs on
 * the tree). Its output (a line per marked manifest and blob and per deleted blob) goes to
 * `outputFile`, as an operator would redirect it. CPU is the child's, read once it is reaped.
 */
export async function runDistributionGc(config: string, outputFile: string): Promise<DistributionGcRun> {
  const out = createWriteStream(outputFile);
  const machineBefore = machineBusySeconds();
  const selfBefore = clientCpuSeconds();
  const reapedBefore = reapedChildrenCpuSeconds();
  const t0 = performance.now();
  let markS: number | undefined;
  const code = await new Promise<number | string>((resolve, reject) => {
    const child = spawn(DISTRIBUTION_BIN, ['garbage-collect', config], { stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout.pipe(out, { end: false });
    // The summary line ends the mark phase; the deletions follow it.
    let tail = '';
    const watch = (chunk: Buffer) => {
      tail = (tail + chunk.toString('latin1')).slice(-200);
      if (/blobs marked/.test(tail)) {
        markS = (performance.now() - t0) / 1000;
        child.stdout.off('data', watch);
      }
    };
    child.stdout.on('data', watch);
    child.stderr.pipe(out, { end: false });
    child.once('error', reject);
    child.once('close', (c, signal) => resolve(c ?? signal ?? 'unknown'));
  });
  const wallS = (performance.now() - t0) / 1000;
  const cpuS = reapedChildrenCpuSeconds() - reapedBefore;
  // clientCpuSeconds counts reaped children too: what is left is this process's own share.
  const otherCpuS = machineBusySeconds() - machineBefore - (clientCpuSeconds() - selfBefore);
  await new Promise((r) => out.end(r));
  const output = readFileSync(outputFile, 'utf8');
  if (code !== 0) throw new Error(`docker-registry garbage-collect failed (${code}):\n${output.split('\n').slice(-20).join('\n')}`);
  const eligible = output.split('\n').filter((l) => l.includes('blob eligible for deletion')).length;
  return { version: distributionVersion(), wallS, cpuS, otherCpuS: Math.max(0, otherCpuS), eligible, markS };
}
