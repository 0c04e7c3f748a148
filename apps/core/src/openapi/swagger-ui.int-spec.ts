import { randomBytes } from 'node:crypto';
import { type Browser, chromium, type Locator, type Page } from 'playwright-core';
import { api, CoreHarness, createTestProject, startTestCore } from '../testing';
import { SWAGGER_UI_PATH } from './openapi';

const P = `ui-${randomBytes(4).toString('hex')}`;

/**
 * Swagger UI in Debian's Chromium, as a developer uses it: authorise with Basic credentials, then
 * "Try it out" and "Execute" on operations, reading the answer's status the page shows.
 */
describe('Swagger UI at /devcenter-api-2.0 (Chromium)', () => {
  let core: CoreHarness;
  let browser: Browser;
  let page: Page;

  beforeAll(async () => {
    core = await startTestCore();
    await createTestProject(core.url, core.adminAuth, P);
    browser = await chromium.launch({ executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium', args: ['--headless', '--no-sandbox', '--disable-gpu'] });
    page = await browser.newPage();
    await page.goto(`${core.url}${SWAGGER_UI_PATH}`);
    await page.locator('.opblock').first().waitFor();

    await page.locator('button.btn.authorize').first().click();
    const dialog = page.locator('.dialog-ux .modal-ux');
    await dialog.locator('input[type="text"]').first().fill('admin');
    await dialog.locator('input[type="password"]').first().fill(core.config.adminPassword);
    await dialog.locator('button.modal-btn.auth.authorize').click();
    await dialog.locator('button.btn-done').click();
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await core?.close();
  });

  function operation(method: string, path: string): Locator {
    return page.locator(`.opblock.opblock-${method}`, { has: page.locator(`.opblock-summary-path[data-path="/api/v2.0${path}"]`) });
  }

  /** Opens the operation, fills its parameters and body, executes it; returns the status shown (and the body shown). */
  async function tryItOut(method: string, path: string, params: Record<string, string> = {}, body?: unknown, shown: string[] = []): Promise<string> {
    const op = operation(method, path);
    await op.locator('.opblock-summary').first().click();
    const tryOut = op.locator('button.try-out__btn');
    // The operation stays in "try it out" mode once switched (the button then reads "Cancel").
    if ((await tryOut.innerText()).trim() === 'Try it out') await tryOut.click();
    for (const [name, value] of Object.entries(params)) await op.locator(`tr[data-param-name="${name}"] input`).fill(value);
    if (body !== undefined) await op.locator('textarea.body-param__text').fill(JSON.stringify(body));
    await op.locator('button.execute').click();
    const status = op.locator('.live-responses-table .response .response-col_status').first();
    await status.waitFor();
    const text = (await status.innerText()).trim();
    shown.push(await op.locator('.live-responses-table .response .response-col_description').first().innerText());
    // Clear the answer, so that the next execution's status is the one read.
    await op.locator('button.btn-clear').click();
    await op.locator('.opblock-summary').first().click();
    return text.split(/\s/)[0];
  }

  it('lists projects (GET) with the Basic credentials it was given', async () => {
    const shown: string[] = [];
    expect(await tryItOut('get', '/projects', {}, undefined, shown)).toBe('200');
    // The project is private: only a signed-in member or admin is shown it.
    expect(shown[0]).toContain(`"name": "${P}"`);
  }, 60_000);

  it('reads a project by name (GET with a path parameter)', async () => {
    expect(await tryItOut('get', '/projects/{project_name_or_id}', { project_name_or_id: P })).toBe('200');
    expect(await tryItOut('get', '/projects/{project_name_or_id}', { project_name_or_id: `${P}-none` })).toBe('404');
  }, 60_000);

  it('creates a label (POST with a body) and deletes it (DELETE)', async () => {
    const name = `ui-label-${randomBytes(3).toString('hex')}`;
    expect(await tryItOut('post', '/labels', {}, { name, color: '#112233', scope: 'g' })).toBe('201');
    const labels = await api<{ id: number; name: string }[]>(core.url, 'GET', '/api/v2.0/labels?scope=g', { auth: core.adminAuth });
    const label = labels.body.find((l) => l.name === name);
    expect(label).toBeDefined();
    expect(await tryItOut('delete', '/labels/{label_id}', { label_id: String(label?.id) })).toBe('200');
    expect((await api(core.url, 'GET', `/api/v2.0/labels/${label?.id}`, { auth: core.adminAuth })).status).toBe(404);
  }, 60_000);
});
