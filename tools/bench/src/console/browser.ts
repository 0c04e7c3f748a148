/// <reference lib="dom" />
// The functions that run in the page (listState, signInState, resourceEntries) use the DOM.
import { type Browser, type BrowserContext, chromium, type Page } from 'playwright-core';
import type { ScriptBytes, VisitOutcome } from './report';
import { SIGN_IN_PATH } from './pages';
import { type ResourceEntry, summarizeResources, type VisitPhases } from './timeline';

/** Chromium as the console's browser tests run it (Debian's, headless, no background traffic). */
export const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'];

export function launchChromium(executablePath: string): Promise<Browser> {
  return chromium.launch({ executablePath, args: CHROMIUM_ARGS });
}

export type SessionState = Awaited<ReturnType<BrowserContext['storageState']>>;

export interface Visit {
  outcome: VisitOutcome;
  /** From the start of page.goto to the first check that saw the outcome (checked every frame). */
  ms: number;
  scripts: ScriptBytes;
  phases: VisitPhases;
  /** An error alert's text, the URL it ended on. */
  detail?: string;
}

interface Seen {
  outcome: VisitOutcome;
  at: number;
  detail?: string;
}

/**
 * What a list page shows, checked in the page: its first rows (an antd table row, visible, no
 * spinner in its table), the console's 404 page, the sign-in page (the session was refused), an
 * error alert, an empty table; null while none of these is there yet.
 */
function listState(): Seen | null {
  const visible = (el: Element) => {
    const r = el.getBoundingClientRect();
    return r.width > 0 && r.height > 0;
  };
  const at = performance.now();
  if (location.pathname.startsWith('/harbor/sign-in')) return { outcome: 'signed-out', at, detail: location.pathname + location.search };
  if (document.querySelector('.ant-result-404')) return { outcome: 'not-found', at };
  const tables = Array.from(document.querySelectorAll('.ant-table-wrapper')).filter(visible);
  const settled = tables.filter((t) => !t.querySelector('.ant-spin-spinning'));
  if (settled.some((t) => Array.from(t.querySelectorAll('.ant-table-tbody tr.ant-table-row')).some(visible))) return { outcome: 'rows', at };
  const alert = Array.from(document.querySelectorAll('.ant-alert-error')).find(visible);
  if (alert) return { outcome: 'error', at, detail: (alert.textContent ?? '').trim().slice(0, 300) };
  if (settled.some((t) => t.querySelector('.ant-table-tbody .ant-empty'))) return { outcome: 'empty', at };
  return null;
}

/** The sign-in form, ready to type in (reported as 'rows': the page has rendered what it is for). */
function signInState(): Seen | null {
  const input = document.querySelector('input[type="password"]');
  if (!input) return null;
  const r = input.getBoundingClientRect();
  return r.width > 0 && r.height > 0 ? { outcome: 'rows', at: performance.now() } : null;
}

function resourceEntries(): ResourceEntry[] {
  return (performance.getEntriesByType('resource') as PerformanceResourceTiming[]).map((e) => ({
    path: new URL(e.name).pathname,
    startTime: e.startTime,
    responseEnd: e.responseEnd,
    transferSize: e.transferSize,
    encodedBodySize: e.encodedBodySize,
    decodedBodySize: e.decodedBodySize,
  }));
}

/** Which paths the server sent gzip-encoded (resource timing does not say). */
function watchEncodings(page: Page): Set<string> {
  const gzipped = new Set<string>();
  page.on('response', (r) => {
    if (/\bgzip\b/i.test(r.headers()['content-encoding'] ?? '')) gzipped.add(new URL(r.url()).pathname);
  });
  return gzipped;
}

async function visit(page: Page, url: string, state: () => Seen | null, timeoutMs: number, gzipped: Set<string>): Promise<Visit> {
  const started = performance.now();
  const response = await page.goto(url, { waitUntil: 'commit', timeout: timeoutMs });
  if (!response || response.status() !== 200) {
    throw new Error(`${url} answered HTTP ${response?.status() ?? 'nothing'}: the server does not serve the console there`);
  }
  let seen: Seen;
  try {
    seen = (await (await page.waitForFunction(state, undefined, { polling: 'raf', timeout: timeoutMs })).jsonValue()) as Seen;
  } catch (err) {
    if (!/Timeout/i.test((err as Error).message)) throw err;
    const { scripts, phases } = summarizeResources(await page.evaluate(resourceEntries), Infinity, gzipped);
    return { outcome: 'timeout', ms: performance.now() - started, scripts, phases, detail: page.url() };
  }
  const ms = performance.now() - started;
  const { scripts, phases } = summarizeResources(await page.evaluate(resourceEntries), seen.at, gzipped);
  return { outcome: seen.outcome, ms, scripts, phases, detail: seen.detail };
}

/**
 * Signs in through the sign-in page in a fresh context (timing the form's first render and its
 * scripts, cold) and returns the session (its cookie) for the contexts of the list pages.
 */
export async function signIn(browser: Browser, baseUrl: string, password: string, timeoutMs: number): Promise<{ visit: Visit; session: SessionState }> {
  const context = await browser.newContext();
  try {
    const page = await context.newPage();
    const gzipped = watchEncodings(page);
    const shown = await visit(page, baseUrl + SIGN_IN_PATH, signInState, timeoutMs, gzipped);
    if (shown.outcome !== 'rows') throw new Error(`the sign-in form did not appear at ${baseUrl}${SIGN_IN_PATH} within ${timeoutMs / 1000} s`);
    await page.locator('input#principal').fill('admin');
    await page.locator('input[type="password"]').fill(password);
    await page.locator('button[type="submit"]').click();
    try {
      await page.waitForURL((u) => !u.pathname.startsWith(SIGN_IN_PATH), { timeout: timeoutMs });
    } catch {
      const refused = await page.locator('[data-testid="sign-in-error"]').textContent({ timeout: 1000 }).catch(() => null);
      throw new Error(`signing in as admin failed${refused ? `: ${refused}` : ''}`);
    }
    return { visit: shown, session: await context.storageState() };
  } finally {
    await context.close();
  }
}

/**
 * One list page, cold then warm: a new context (empty HTTP cache, the session's cookie), the
 * first visit, then a second visit in the same context. An empty table is given a few seconds to
 * fill before it counts as empty.
 */
export async function measureListPage(browser: Browser, url: string, session: SessionState, timeoutMs: number): Promise<{ cold: Visit; warm?: Visit }> {
  const context = await browser.newContext({ storageState: session });
  try {
    const page = await context.newPage();
    const gzipped = watchEncodings(page);
    const once = async () => {
      const v = await visit(page, url, listState, timeoutMs, gzipped);
      if (v.outcome !== 'empty') return v;
      await page.waitForTimeout(3000);
      const again = (await page.evaluate(listState)) as Seen | null;
      return again?.outcome === 'rows' ? { ...v, outcome: 'late-rows' as const } : v;
    };
    const cold = await once();
    if (cold.outcome !== 'rows') return { cold };
    return { cold, warm: await once() };
  } finally {
    await context.close();
  }
}
