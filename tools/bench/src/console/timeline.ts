import type { ScriptBytes } from './report';

/** What a page fetched before its first render, from its resource timing. No I/O here. */

export interface ResourceEntry {
  /** The URL's path. */
  path: string;
  /** Milliseconds since the page's navigation started. */
  startTime: number;
  responseEnd: number;
  transferSize: number;
  encodedBodySize: number;
  decodedBodySize: number;
}

/** Where a visit's time went, in milliseconds of the page's clock (0: its navigation started). */
export interface VisitPhases {
  /** The last script needed for the render arrived. */
  scriptsDoneMs: number;
  /** The console's first API request left (its code was running). */
  firstApiStartMs?: number;
  /** The last API answer before the render arrived. */
  lastApiEndMs?: number;
  apiRequests: number;
  /** The first rows were seen. */
  renderMs: number;
}

const SCRIPT = /\.m?js$/;
const API = /^\/(api|c|service)\//;

/** The scripts and API requests that had finished by `until`, summed and placed in time. */
export function summarizeResources(entries: readonly ResourceEntry[], until: number, gzipped: ReadonlySet<string>): { scripts: ScriptBytes; phases: VisitPhases } {
  const done = entries.filter((e) => e.responseEnd <= until);
  const scripts = done.filter((e) => SCRIPT.test(e.path));
  const api = done.filter((e) => API.test(e.path));
  return {
    scripts: {
      files: scripts.length,
      encoded: scripts.reduce((n, e) => n + e.encodedBodySize, 0),
      decoded: scripts.reduce((n, e) => n + e.decodedBodySize, 0),
      transferred: scripts.reduce((n, e) => n + e.transferSize, 0),
      gzipped: scripts.filter((e) => gzipped.has(e.path)).length,
    },
    phases: {
      scriptsDoneMs: Math.max(0, ...scripts.map((e) => e.responseEnd)),
      firstApiStartMs: api.length ? Math.min(...api.map((e) => e.startTime)) : undefined,
      lastApiEndMs: api.length ? Math.max(...api.map((e) => e.responseEnd)) : undefined,
      apiRequests: api.length,
      renderMs: until,
    },
  };
}
