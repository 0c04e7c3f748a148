import AxeBuilder from '@axe-core/playwright';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { type Browser, type BrowserContext, chromium, type Page } from 'playwright-core';
import { REPO } from './installation';

/**
 * Debian's Chromium driven by playwright-core, with what every page of the test is checked for:
 * no missing translation, no uncaught error, no serious or critical accessibility violation; and a
 * screenshot of every page under tmp/console-screenshots (not committed).
 */

export const SCREENSHOTS = process.env.WHARF_SCREENSHOTS ?? join(REPO, 'tmp', 'console-screenshots');

export async function launch(): Promise<Browser> {
  mkdirSync(SCREENSHOTS, { recursive: true });
  return chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
  });
}

export interface Watched {
  page: Page;
  /** Missing i18n keys, page errors and failed scripts seen so far. */
  problems: string[];
  axeViolations: { page: string; id: string; impact: string; nodes: string[] }[];
}

export async function watchedPage(context: BrowserContext): Promise<Watched> {
  const page = await context.newPage();
  const watched: Watched = { page, problems: [], axeViolations: [] };
  page.on('console', (m) => {
    if (m.type() === 'error' && /i18n: missing key/.test(m.text())) watched.problems.push(m.text());
    if (m.type() === 'error' && /Content Security Policy/i.test(m.text())) watched.problems.push(m.text());
  });
  page.on('pageerror', (e) => watched.problems.push(`page error: ${e.message}`));
  return watched;
}

/**
 * Waits until the page stands still: no request in flight, no spinner, no antd enter/leave
 * animation under way (a half-faded element has a contrast axe would rightly count).
 */
async function settle(page: Page): Promise<void> {
  await page.waitForLoadState('networkidle').catch(() => undefined);
  await page.waitForFunction(
    // antd's click wave can outlive a button that a closing dialog took away: it is not content.
    // rc-motion marks an entering element "-prepare" and "-start" (fully transparent) before "-active":
    // a check in those first frames saw no motion and let axe read a dialog's text at a quarter of its contrast.
    () =>
      !document.querySelector(
        '.ant-spin-spinning, .ant-skeleton-active, :not(.ant-wave)[class*="-appear-"], :not(.ant-wave)[class*="-enter-"], [class*="-leave-active"], [class*="-leave-start"], [class*="-leave-prepare"]',
      ) &&
      // Any finite CSS animation or transition still running (a spinner's endless one is not motion to wait for).
      !document.getAnimations().some((a) => a.playState === 'running' && a.effect?.getComputedTiming().iterations !== Infinity),
    undefined,
    { timeout: 10_000 },
  );
}

/** Saves a screenshot and runs axe-core on the page as it is now. */
export async function checkPage(w: Watched, name: string): Promise<void> {
  await settle(w.page);
  await w.page.screenshot({ path: join(SCREENSHOTS, `${name}.png`), fullPage: true });
  const result = await new AxeBuilder({ page: w.page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']).analyze();
  for (const v of result.violations) {
    if (v.impact === 'serious' || v.impact === 'critical') {
      w.axeViolations.push({ page: name, id: v.id, impact: v.impact, nodes: v.nodes.slice(0, 3).map((n) => `${n.target.join(' ')}: ${n.html.slice(0, 160)}`) });
    }
  }
}
