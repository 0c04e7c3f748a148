import type { BlobSpec } from './blob';
import type { RegistryLogin } from './token';

/** Work a load thread does; the main thread splits concurrency over threads and adds up results. */
export type LoadTask =
  | { kind: 'push-monolithic'; base: string; repo: string; blob: BlobSpec }
  | { kind: 'push-chunked'; base: string; repo: string; blob: BlobSpec; chunkBytes: number }
  | { kind: 'pull'; url: string; streams: number; expectBytes: number }
  | { kind: 'get-load'; url: string; headers: Record<string, string>; connections: number; durationMs: number }
  /** With `login`, each image's push first fetches a token as docker does (see token.ts). */
  | { kind: 'push-images'; base: string; repo: string; tags: string[]; concurrency: number; login?: RegistryLogin }
  | { kind: 'pull-images'; base: string; repo: string; tags: string[]; concurrency: number; login?: RegistryLogin };

export interface LoadResult {
  /** Wall-clock interval of the work, in epoch milliseconds (comparable across threads). */
  startMs: number;
  endMs: number;
  bytes: number;
  requests: number;
  errors: number;
  firstError?: string;
  /** Per-request (get-load) or per-image (push-images, pull-images) latencies. */
  latenciesMs?: Float64Array;
  /** push-images and pull-images: tag -> manifest digest. */
  manifests?: Record<string, string>;
}

/** Several threads' results as one: the union interval, summed counts, merged latencies. */
export function mergeResults(results: LoadResult[]): LoadResult {
  const latencies = results.flatMap((r) => (r.latenciesMs ? [r.latenciesMs] : []));
  const merged: LoadResult = {
    startMs: Math.min(...results.map((r) => r.startMs)),
    endMs: Math.max(...results.map((r) => r.endMs)),
    bytes: results.reduce((a, r) => a + r.bytes, 0),
    requests: results.reduce((a, r) => a + r.requests, 0),
    errors: results.reduce((a, r) => a + r.errors, 0),
    firstError: results.find((r) => r.firstError)?.firstError,
    manifests: Object.assign({}, ...results.map((r) => r.manifests ?? {})),
  };
  if (latencies.length > 0) {
    const all = new Float64Array(latencies.reduce((a, l) => a + l.length, 0));
    let at = 0;
    for (const l of latencies) {
      all.set(l, at);
      at += l.length;
    }
    merged.latenciesMs = all;
  }
  return merged;
}

/** Splits `total` as evenly as possible into `parts` non-empty shares (fewer when total < parts). */
export function split(total: number, parts: number): number[] {
  const n = Math.max(1, Math.min(parts, total));
  return Array.from({ length: n }, (_, i) => Math.floor(total / n) + (i < total % n ? 1 : 0));
}
