import { spawn } from 'node:child_process';

/**
 * skopeo as a child process. Every run has a deadline after which it is SIGKILLed, so a hung
 * transfer fails its test instead of outliving it.
 */

export interface SkopeoResult {
  args: string[];
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  ms: number;
}

export interface SkopeoOptions {
  timeoutMs?: number;
}

/** Processes still running, so that a test file can make sure none outlives it. */
const running = new Set<import('node:child_process').ChildProcess>();

export function skopeo(args: string[], options: SkopeoOptions = {}): Promise<SkopeoResult> {
  // The policy is the machine's concern, not the registry's: accept anything.
  const fullArgs = ['--insecure-policy', ...args];
  const started = Date.now();
  return new Promise((resolve, reject) => {
    const child = spawn('skopeo', fullArgs, { stdio: ['ignore', 'pipe', 'pipe'], detached: false });
    running.add(child);
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 60_000);
    child.on('error', (err) => {
      clearTimeout(timer);
      running.delete(child);
      reject(err);
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      running.delete(child);
      resolve({ args: fullArgs, code, signal, stdout, stderr, ms: Date.now() - started });
    });
  });
}

/** Runs skopeo and fails with its stderr unless it exits 0. */
export async function skopeoOk(args: string[], options: SkopeoOptions = {}): Promise<SkopeoResult> {
  const result = await skopeo(args, options);
  if (result.code !== 0) {
    throw new Error(`skopeo ${result.args.join(' ')} exited ${result.code ?? result.signal}:\n${result.stderr.trim()}`);
  }
  return result;
}

export function killRunningSkopeo(): void {
  for (const child of running) child.kill('SIGKILL');
}

/** `docker://` reference of a repository on a plain-HTTP loopback registry. */
export function dockerRef(host: string, repository: string, reference: string): string {
  return reference.startsWith('sha256:') ? `docker://${host}/${repository}@${reference}` : `docker://${host}/${repository}:${reference}`;
}

export const SRC_INSECURE = '--src-tls-verify=false';
export const DEST_INSECURE = '--dest-tls-verify=false';
export const INSECURE = '--tls-verify=false';
