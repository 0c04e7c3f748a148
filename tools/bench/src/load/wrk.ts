import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';

export interface WrkResult {
  requests: number;
  durationS: number;
  requestsPerSec: number;
  p50Ms: number;
  p99Ms: number;
  /** Non-2xx/3xx answers plus socket errors. */
  errors: number;
}

const TIME_UNITS_MS: Record<string, number> = { us: 0.001, ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

/** wrk prints times as "850.00us", "1.23ms", "2.01s", "1.00m". */
export function parseWrkTime(text: string): number {
  const m = /^([\d.]+)(us|ms|s|m|h)$/.exec(text.trim());
  if (!m) throw new Error(`unrecognised wrk time "${text}"`);
  return Number(m[1]) * TIME_UNITS_MS[m[2]];
}

/** Parses the report of `wrk --latency`. */
export function parseWrkOutput(out: string): WrkResult {
  const pct = (p: string) => {
    const m = new RegExp(`^\\s*${p}%\\s+(\\S+)\\s*$`, 'm').exec(out);
    if (!m) throw new Error(`wrk output has no ${p}% latency (was --latency given?):\n${out}`);
    return parseWrkTime(m[1]);
  };
  const total = /^\s*(\d+) requests in ([\d.]+(?:us|ms|s|m|h)),/m.exec(out);
  const rps = /^Requests\/sec:\s+([\d.]+)/m.exec(out);
  if (!total || !rps) throw new Error(`unrecognised wrk output:\n${out}`);
  const socket = /Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)/.exec(out);
  const non2xx = /Non-2xx or 3xx responses: (\d+)/.exec(out);
  const socketErrors = socket ? socket.slice(1).reduce((a, n) => a + Number(n), 0) : 0;
  return {
    requests: Number(total[1]),
    durationS: parseWrkTime(total[2]) / 1000,
    requestsPerSec: Number(rps[1]),
    p50Ms: pct('50'),
    p99Ms: pct('99'),
    errors: socketErrors + (non2xx ? Number(non2xx[1]) : 0),
  };
}

export const WRK = '/usr/bin/wrk';

export function wrkAvailable(): boolean {
  return existsSync(WRK);
}

export interface WrkOptions {
  url: string;
  headers: Record<string, string>;
  connections: number;
  threads: number;
  durationS: number;
}

export function runWrk(o: WrkOptions): Promise<WrkResult> {
  const args = ['-t', String(Math.min(o.threads, o.connections)), '-c', String(o.connections), '-d', `${o.durationS}s`, '--timeout', '10s', '--latency'];
  for (const [k, v] of Object.entries(o.headers)) args.push('-H', `${k}: ${v}`);
  args.push(o.url);
  return new Promise((resolve, reject) => {
    execFile(WRK, args, { maxBuffer: 1024 * 1024 }, (err, stdout, stderr) => {
      if (err) reject(new Error(`wrk failed: ${err.message}\n${stderr}`));
      else {
        try {
          resolve(parseWrkOutput(stdout));
        } catch (e) {
          reject(e as Error);
        }
      }
    });
  });
}
