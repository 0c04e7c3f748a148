import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { checkPage, launch, type Watched, watchedPage } from './support/browser';
import { apiCall, install, type Installation, run, runOk } from './support/installation';

/**
 * The web console in Debian's Chromium against a real installation (./install.sh): what an
 * administrator and a developer do in it, each page screenshotted and checked with axe-core.
 */

const ADMIN_PASSWORD = 'Console-Admin-1';
const PROJECT = 'console-e2e';
const DEV = 'dev-e2e';
const DEV_PASSWORD = 'Dev-Pass-123';
/** Markup in a name the console shows: it must stay text. */
const MARKUP = '<img src=x onerror="window.__xss=1">';
let projectId: number;
let layout: string;

/** antd keeps a closed dropdown in the page, hidden: wait until none is open (axe would see it fading); name any left open. */
async function dropdownsClosed(page: Page): Promise<void> {
  try {
    await page.waitForFunction(() => !document.querySelector('.ant-dropdown:not(.ant-dropdown-hidden)'));
  } catch (err) {
    const open = await page.evaluate(() => [...document.querySelectorAll('.ant-dropdown:not(.ant-dropdown-hidden)')].map((d) => `${d.className} :: ${(d as HTMLElement).innerText.slice(0, 200)}`));
    throw new Error(`dropdowns still open: ${JSON.stringify(open)}; ${(err as Error).message}`);
  }
}

let inst: Installation;
let browser: Browser;
let context: BrowserContext;
let w: Watched;

beforeAll(async () => {
  inst = await install(ADMIN_PASSWORD);
  // An image to push: an OCI layout made by umoci, without any container engine.
  layout = mkdtempSync(join(tmpdir(), 'wharf-console-image-'));
  await runOk('umoci', ['init', '--layout', join(layout, 'oci')]);
  await runOk('umoci', ['new', '--image', `${join(layout, 'oci')}:v1`]);
  // One step of build history, which the artifact's page shows.
  await runOk('umoci', ['config', '--image', `${join(layout, 'oci')}:v1`, '--author', 'Wharf console test', '--history.created_by', 'wharf-e2e: an empty image']);
  browser = await launch();
  context = await browser.newContext({ baseURL: inst.url, locale: 'en-US', viewport: { width: 1280, height: 800 } });
  await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: inst.url });
  w = await watchedPage(context);
});

afterAll(async () => {
  await browser?.close();
  await inst?.stop();
  if (layout) rmSync(layout, { recursive: true, force: true });
});

afterEach(() => {
  // Every page seen so far: no missing translation, no uncaught error, no CSP violation.
  expect(w.problems).toEqual([]);
});

/**
 * Saves Configuration's open form and waits for the API's answer to it, not for the toast: a
 * toast from an earlier save may still be showing, and two of them are not one to wait for.
 */
async function saveConfiguration(page: Page): Promise<void> {
  const saved = page.waitForResponse((r) => r.request().method() === 'PUT' && new URL(r.url()).pathname === '/api/v2.0/configurations');
  await page.getByRole('button', { name: 'Save' }).click();
  expect((await saved).status()).toBe(200);
}

describe('the console', () => {
  it('is what the URL install.sh prints opens: the sign-in page, which shows why a login is refused', async () => {
    expect(inst.installOutput).toContain(inst.url);
    const { page } = w;
    await page.goto('/');
    await page.waitForURL(/\/harbor\/sign-in/);
    await page.getByLabel('Username').fill('admin');
    await page.getByLabel('Password').fill('not-the-password');
    await page.getByRole('button', { name: 'Log in' }).click();
    await expect(page.getByTestId('sign-in-error').innerText()).resolves.toMatch(/invalid username or password/);
    await checkPage(w, '01-sign-in-refused');
    await page.getByLabel('Password').fill(ADMIN_PASSWORD);
    await page.getByRole('button', { name: 'Log in' }).click();
    await page.getByRole('heading', { name: 'Projects' }).waitFor();
    expect(page.url()).toMatch(/\/harbor\/projects$/);
    await checkPage(w, '02-projects');
  });

  it('creates a private project and finds it by name', async () => {
    const { page } = w;
    await page.getByRole('button', { name: 'New project' }).click();
    await page.getByRole('textbox', { name: /Project name/ }).fill(PROJECT);
    await checkPage(w, '03-new-project');
    await page.getByRole('button', { name: 'Create' }).click();
    await page.getByText(`Project ${PROJECT} created`).waitFor();
    await page.getByRole('searchbox', { name: 'Search projects by name' }).fill('e2e');
    await page.getByRole('searchbox', { name: 'Search projects by name' }).press('Enter');
    await page.getByRole('link', { name: PROJECT }).waitFor();
    const created = await apiCall<{ metadata: Record<string, string> }>(inst, 'GET', `/projects/${PROJECT}`);
    expect(created.body.metadata.public).toBe('false');
  });

  it('creates a user in Administration → Users', async () => {
    const { page } = w;
    await page.getByRole('link', { name: 'Users' }).click();
    await page.getByRole('heading', { name: 'Users' }).waitFor();
    await page.getByRole('button', { name: 'New user' }).click();
    const dialog = page.getByRole('dialog');
    await dialog.getByLabel('Username').fill(DEV);
    await dialog.getByLabel('Email').fill('dev@example.com');
    await dialog.getByLabel('Full name').fill('Dev Eloper');
    await dialog.getByLabel('Password', { exact: true }).fill(DEV_PASSWORD);
    await dialog.getByLabel('Confirm password').fill(DEV_PASSWORD);
    await checkPage(w, '04-new-user');
    await dialog.getByRole('button', { name: 'Create' }).click();
    await page.getByText(`User ${DEV} created`).waitFor();
    await page.getByRole('cell', { name: DEV, exact: false }).first().waitFor();
    await checkPage(w, '05-users');
    const users = await apiCall<{ username: string }[]>(inst, 'GET', `/users?q=username%3D${DEV}`);
    expect(users.body.map((u) => u.username)).toEqual([DEV]);
  });

  it('adds the user to the project as a developer', async () => {
    const { page } = w;
    projectId = (await apiCall<{ project_id: number }>(inst, 'GET', `/projects/${PROJECT}`)).body.project_id;
    await page.goto(`/harbor/projects/${projectId}/members`);
    await page.getByRole('button', { name: 'Add member' }).click();
    await page.getByRole('menuitem', { name: 'User', exact: true }).click();
    const dialog = page.getByRole('dialog');
    await dialog.getByRole('combobox', { name: 'Username' }).fill(DEV);
    await dialog.getByRole('combobox', { name: 'Role' }).click();
    // antd draws the options as plain elements; the listbox it keeps for screen readers is not clickable.
    await page.locator('.ant-select-item-option').filter({ hasText: /^Developer$/ }).click();
    await checkPage(w, '06-add-member');
    await dialog.getByRole('button', { name: 'Add' }).click();
    await page.getByText(`${DEV} is now a member`).waitFor();
    await checkPage(w, '07-members');
    const members = await apiCall<{ entity_name: string; role_id: number }[]>(inst, 'GET', `/projects/${projectId}/members`);
    expect(members.body.find((m) => m.entity_name === DEV)?.role_id).toBe(2);
  });

  let robot: { name: string; secret: string };

  it('creates a robot account whose secret, shown once, lets skopeo push', async () => {
    const { page } = w;
    await page.getByRole('tab', { name: 'Robot Accounts' }).click();
    await page.getByRole('button', { name: 'New robot account' }).click();
    const dialog = page.getByRole('dialog');
    await dialog.getByLabel('Name', { exact: true }).fill('ci');
    await dialog.getByLabel('Description').fill(MARKUP);
    await dialog.getByRole('button', { name: 'Push and pull' }).click();
    await checkPage(w, '08-new-robot');
    await dialog.getByRole('button', { name: 'Create' }).click();
    await page.getByText('Robot account created').waitFor();
    robot = { name: await page.getByTestId('robot-name').innerText(), secret: await page.getByTestId('robot-secret').innerText() };
    expect(robot.name).toBe(`robot$${PROJECT}+ci`);
    await checkPage(w, '09-robot-secret');
    await page.getByRole('dialog').filter({ hasText: 'Robot account created' }).getByRole('button', { name: /OK|Close/ }).first().click();
    // The description, markup included, is text.
    await page.getByText(MARKUP).first().waitFor();
    expect(await page.evaluate(() => (window as unknown as { __xss?: number }).__xss)).toBeUndefined();
    await checkPage(w, '10-robots');
    await runOk('skopeo', ['--insecure-policy', 'copy', '--dest-tls-verify=false', '--dest-creds', `${robot.name}:${robot.secret}`, `oci:${join(layout, 'oci')}:v1`, `docker://${inst.host}/${PROJECT}/app:v1`]);
    // Nothing of it stays in the browser's storage.
    const stored = await page.evaluate(() => JSON.stringify({ ...localStorage }) + JSON.stringify({ ...sessionStorage }));
    expect(stored).not.toContain(robot.secret);
  });

  it('shows the pushed image with its tag and copies its pull command', async () => {
    const { page } = w;
    await page.getByRole('tab', { name: 'Repositories' }).click();
    await page.getByRole('link', { name: `${PROJECT}/app`, exact: true }).click();
    await page.getByRole('cell', { name: 'v1' }).first().waitFor();
    await checkPage(w, '11-artifacts');
    await page.getByRole('button', { name: /Copy a pull command for/ }).first().click();
    await page.getByRole('menuitem', { name: 'docker pull by tag v1' }).click();
    await page.getByText('Copied to the clipboard').waitFor();
    expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(`docker pull ${inst.host}/${PROJECT}/app:v1`);
  });

  it('adds a tag to the artifact and deletes it again', async () => {
    const { page } = w;
    await page.getByRole('link', { name: /^sha256:/ }).first().click();
    await page.getByRole('textbox', { name: 'New tag' }).fill('v2');
    await page.getByRole('button', { name: 'Add tag' }).click();
    await page.getByText('Tag v2 added').waitFor();
    // The image's build history (the build_history addition) and its config's author (extra_attrs).
    await page.getByText('Build history').waitFor();
    await page.getByText('wharf-e2e: an empty image').waitFor();
    await page.getByText('Wharf console test').first().waitFor();
    await page.getByRole('img', { name: 'Icon of IMAGE' }).waitFor();
    await checkPage(w, '12-artifact');
    expect((await apiCall(inst, 'GET', `/projects/${PROJECT}/repositories/app/artifacts/v2`)).status).toBe(200);
    await page.getByRole('button', { name: 'Delete tag v2' }).click();
    await page.getByRole('dialog').filter({ hasText: 'Delete tag v2?' }).getByRole('button', { name: /Delete|OK/ }).click();
    await page.getByText('Tag v2 deleted').waitFor();
    expect((await apiCall(inst, 'GET', `/projects/${PROJECT}/repositories/app/artifacts/v2`)).status).toBe(404);
  });

  it('sets a retention rule, runs it dry and reads the run’s log', async () => {
    const { page } = w;
    await page.goto(`/harbor/projects/${projectId}/policy`);
    await page.getByRole('button', { name: 'Add rule' }).click();
    const dialog = page.getByRole('dialog');
    await checkPage(w, '13-retention-rule');
    await dialog.getByRole('button', { name: 'Save' }).click();
    await page.getByText('Rule added').waitFor();
    await page.getByRole('button', { name: 'Dry run' }).click();
    await page.getByText(/Dry run \d+ started/).waitFor();
    await page.getByRole('cell', { name: 'Succeeded' }).first().waitFor({ timeout: 60_000 });
    await page.getByRole('button', { name: /Expand row/i }).first().click();
    await page.getByRole('button', { name: /^Log of (console-e2e\/)?app$/ }).click();
    await expect(page.getByRole('dialog').locator('pre').innerText()).resolves.toMatch(/dry run/i);
    await checkPage(w, '14-retention-log');
    await page.keyboard.press('Escape');
  });

  it('shows a webhook named like markup as text', async () => {
    const { page } = w;
    await page.goto(`/harbor/projects/${projectId}/webhooks`);
    await page.getByRole('button', { name: 'New webhook' }).click();
    const dialog = page.getByRole('dialog');
    await dialog.getByLabel('Name').fill(MARKUP);
    await dialog.getByLabel('Endpoint URL').fill('http://192.0.2.10/hook');
    await dialog.getByText('Artifact pushed').click();
    await dialog.getByRole('button', { name: 'Create' }).click();
    await page.getByText(`Webhook ${MARKUP} created`).waitFor();
    await page.getByRole('cell', { name: MARKUP }).first().waitFor();
    await checkPage(w, '15-webhooks');
    expect(await page.evaluate(() => (window as unknown as { __xss?: number }).__xss)).toBeUndefined();
    expect(await page.locator('img[src="x"]').count()).toBe(0);
  });

  it('runs garbage collection as a dry run and reads its log', async () => {
    const { page } = w;
    await page.getByRole('link', { name: 'Clean Up' }).click();
    await page.getByRole('heading', { name: 'Clean Up' }).waitFor();
    await page.getByRole('button', { name: 'Dry run' }).click();
    await page.getByText('Dry run started').waitFor();
    const logButton = page.getByRole('button', { name: /Show the log of run/ }).first();
    await logButton.waitFor();
    // The history refreshes itself while the run is under way.
    await page.getByRole('cell', { name: /Success|Succeeded/ }).first().waitFor({ timeout: 60_000 });
    await checkPage(w, '16-gc');
    await logButton.click();
    const log = page.getByRole('dialog').locator('pre');
    await expect(log.innerText()).resolves.toMatch(/\S/);
    await checkPage(w, '17-gc-log');
    await page.keyboard.press('Escape');
  });

  it('shows the running jobservice and its queues on the Job Service Dashboard, and pauses and resumes a queue', async () => {
    const { page } = w;
    await page.getByRole('link', { name: 'Job Service Dashboard' }).click();
    await page.getByRole('heading', { name: 'Job Service Dashboard' }).waitFor();
    // The installation's jobservice registered itself as a pool (its id is 24 hex digits).
    await page.getByRole('cell', { name: /^[0-9a-f]{24}$/ }).first().waitFor();
    await page.getByRole('cell', { name: 'GARBAGE_COLLECTION', exact: true }).waitFor();
    await page.getByRole('button', { name: 'Pause GARBAGE_COLLECTION' }).click();
    await page.getByRole('dialog').filter({ hasText: 'Pause GARBAGE_COLLECTION?' }).getByRole('button', { name: 'Pause' }).click();
    await page.getByRole('button', { name: 'Resume GARBAGE_COLLECTION' }).waitFor();
    await checkPage(w, 'job-service-dashboard');
    await page.getByRole('button', { name: 'Resume GARBAGE_COLLECTION' }).click();
    await page.getByRole('dialog').filter({ hasText: 'Resume GARBAGE_COLLECTION?' }).getByRole('button', { name: 'Resume' }).click();
    await page.getByRole('button', { name: 'Pause GARBAGE_COLLECTION' }).waitFor();
  });

  it('creates an OIDC group in Administration → Groups, makes it a member, and runs an audit log purge dry run in Clean Up → Log Rotation', async () => {
    const { page } = w;
    const group = 'console-e2e-oidc';
    await page.getByRole('link', { name: 'Groups' }).click();
    await page.getByRole('heading', { name: 'Groups' }).waitFor();
    await page.getByRole('button', { name: 'New group' }).click();
    const dialog = page.getByRole('dialog');
    // The database has no groups of its own: the dialog says when HTTP and OIDC groups take effect.
    await dialog.getByText(/Users sign in with the database, which has no groups/).waitFor();
    await dialog.getByRole('radio', { name: 'OIDC' }).check();
    await dialog.getByRole('textbox', { name: 'Name' }).fill(group);
    await checkPage(w, '17a-group-dialog');
    await dialog.getByRole('button', { name: 'Create' }).click();
    await page.getByText(`Group ${group} created`).waitFor();
    await page.getByRole('cell', { name: group, exact: true }).waitFor();
    await checkPage(w, '17b-groups');
    const listed = await apiCall<{ group_name: string; group_type: number }[]>(inst, 'GET', `/usergroups?group_name=${group}`);
    expect(listed.body.map((g) => [g.group_name, g.group_type])).toEqual([[group, 3]]);

    // The project's Members tab adds it by name.
    await page.goto(`/harbor/projects/${projectId}/members`);
    await page.getByRole('button', { name: 'Add member' }).click();
    await page.getByRole('menuitem', { name: 'Group', exact: true }).click();
    const add = page.getByRole('dialog');
    await add.getByRole('textbox', { name: 'Group name' }).fill(group);
    await add.getByRole('button', { name: 'Add' }).click();
    await page.getByText(`${group} is now a member`).waitFor();
    const members = await apiCall<{ entity_name: string; entity_type: string }[]>(inst, 'GET', `/projects/${projectId}/members`);
    expect(members.body.find((m) => m.entity_name === group)?.entity_type).toBe('g');

    await page.getByRole('link', { name: 'Clean Up' }).click();
    await page.getByRole('tab', { name: 'Log Rotation' }).click();
    await page.waitForURL(/\/harbor\/clearing-job\/audit-log-purge$/);
    await page.getByRole('heading', { name: 'Audit log purge settings' }).waitFor();
    await page.getByRole('spinbutton', { name: 'Retention period' }).fill('1');
    await page.getByRole('button', { name: 'Dry run' }).click();
    await page.getByText('Dry run started').waitFor();
    await page.getByRole('cell', { name: /Success|Succeeded/ }).first().waitFor({ timeout: 60_000 });
    await page.getByRole('cell', { name: /^Would purge \d+$/ }).first().waitFor();
    await checkPage(w, '17c-log-rotation');
    await page.getByRole('button', { name: /Show the log of run/ }).first().click();
    const log = page.getByRole('dialog').locator('pre');
    await expect(log.innerText()).resolves.toMatch(/\[DRYRUN\] finished: would purge \d+ audit logs/);
    await checkPage(w, '17d-purge-log');
    await page.keyboard.press('Escape');
    const runs = await apiCall<{ job_parameters: string }[]>(inst, 'GET', '/system/purgeaudit');
    expect(JSON.parse(runs.body[0].job_parameters)).toMatchObject({ audit_retention_hour: 24, dry_run: true });
  });

  it('switches read-only mode on in Configuration → System Settings: a banner on every page and pushes refused with Harbor’s message, until it is switched off', async () => {
    const { page } = w;
    const toggle = async () => {
      await page.getByRole('link', { name: 'Configuration' }).click();
      await page.getByRole('tab', { name: 'System Settings' }).click();
      await page.getByRole('switch', { name: 'Repository read only' }).click();
      await saveConfiguration(page);
    };
    const banner = page.getByTestId('read-only-banner');
    await toggle();
    await banner.waitFor();
    expect(await banner.innerText()).toContain('read-only mode');
    expect((await apiCall<{ read_only: boolean }>(inst, 'GET', '/systeminfo')).body.read_only).toBe(true);
    await checkPage(w, '18-read-only');
    // The registry reads the switch within a second.
    await new Promise((r) => setTimeout(r, 1_500));
    const refused = await run('skopeo', ['--insecure-policy', 'copy', '--dest-tls-verify=false', '--dest-creds', `${robot.name}:${robot.secret}`, `oci:${join(layout, 'oci')}:v1`, `docker://${inst.host}/${PROJECT}/app:frozen`]);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('The system is in read only mode. Any modification is prohibited.');
    await page.getByRole('link', { name: 'Projects' }).click();
    await page.getByRole('link', { name: PROJECT, exact: true }).waitFor();
    await banner.waitFor();

    await toggle();
    await banner.waitFor({ state: 'detached' });
    expect((await apiCall<{ read_only: boolean }>(inst, 'GET', '/systeminfo')).body.read_only).toBe(false);
  });

  it('announces a banner message set in System Settings on every page and on the sign-in page; a closable one can be closed', async () => {
    const { page } = w;
    const save = () => saveConfiguration(page);
    await page.getByRole('link', { name: 'Configuration' }).click();
    await page.getByRole('tab', { name: 'System Settings' }).click();
    await page.getByRole('textbox', { name: 'Banner text' }).fill('Registry maintenance on Saturday from 22:00 UTC');
    await page.getByRole('combobox', { name: 'Banner type' }).click();
    await page.locator('.ant-select-item-option').filter({ hasText: /^Warning$/ }).click();
    await page.getByRole('checkbox', { name: 'Readers may close it' }).check();
    await save();
    const stored = JSON.parse((await apiCall<{ banner_message: string }>(inst, 'GET', '/systeminfo')).body.banner_message) as Record<string, unknown>;
    expect(stored).toEqual({ message: 'Registry maintenance on Saturday from 22:00 UTC', type: 'warning', closable: true });
    const banner = page.getByTestId('announcement-banner');
    await banner.waitFor();
    await page.getByRole('link', { name: 'Projects' }).click();
    await page.getByRole('link', { name: PROJECT, exact: true }).waitFor();
    expect(await banner.innerText()).toContain('Registry maintenance on Saturday');
    await checkPage(w, '19-banner');
    // Signed out, the sign-in page shows it too.
    const anonymous = await browser.newContext({ baseURL: inst.url, locale: 'en-US' });
    try {
      const signIn = await anonymous.newPage();
      await signIn.goto('/harbor/sign-in');
      await signIn.getByTestId('announcement-banner').getByText('Registry maintenance on Saturday').waitFor();
    } finally {
      await anonymous.close();
    }
    await banner.getByRole('button', { name: /close/i }).click();
    await banner.waitFor({ state: 'detached' });
    // An empty text removes the banner for everyone.
    await page.getByRole('link', { name: 'Configuration' }).click();
    await page.getByRole('tab', { name: 'System Settings' }).click();
    await page.getByRole('textbox', { name: 'Banner text' }).fill('');
    await save();
    expect((await apiCall<{ banner_message: string }>(inst, 'GET', '/systeminfo')).body.banner_message).toBe('');
  });

  it('passes axe-core on the pages the steps above did not open', async () => {
    const { page } = w;
    const pages = [
      ['summary', `/harbor/projects/${projectId}/summary`],
      ['repositories', `/harbor/projects/${projectId}/repositories`],
      ['project-logs', `/harbor/projects/${projectId}/logs`],
      ['project-configuration', `/harbor/projects/${projectId}/configs`],
      ['audit-log', '/harbor/logs'],
      ['system-robots', '/harbor/robot-accounts'],
      ['groups', '/harbor/groups'],
      ['log-rotation', '/harbor/clearing-job/audit-log-purge'],
      ['configuration', '/harbor/configs'],
      ['system-info', '/harbor/system-info'],
    ];
    for (const [name, path] of pages) {
      await page.goto(path);
      await page.locator('main h2, main h1').first().waitFor();
      expect({ path, notFound: await page.getByText('Page not found').count() }).toEqual({ path, notFound: 0 });
      await checkPage(w, `extra-${name}`);
    }
  });

  it('switches to Simplified and Traditional Chinese and back, dates and pages included', async () => {
    const { page } = w;
    await page.goto('/harbor/projects');
    await page.getByTestId('language-menu').click();
    await page.getByRole('menuitem', { name: '简体中文' }).click();
    await dropdownsClosed(page);
    await page.getByRole('heading', { name: '项目' }).waitFor();
    await expect(page.getByText(/\d{4}年\d{1,2}月\d{1,2}日/).first().innerText()).resolves.toBeTruthy();
    await checkPage(w, '18-projects-zh-CN');
    await page.getByTestId('language-menu').click();
    await page.getByRole('menuitem', { name: '繁體中文' }).click();
    await dropdownsClosed(page);
    await page.getByRole('heading', { name: '專案' }).waitFor();
    await checkPage(w, '19-projects-zh-TW');
    // The choice survives a reload (it is the only thing the console keeps in local storage).
    await page.reload();
    await page.getByRole('heading', { name: '專案' }).waitFor();
    const stored = await page.evaluate(() => Object.keys(localStorage));
    expect(stored).toEqual(['wharf-lang']);
    await page.getByTestId('language-menu').click();
    await page.getByRole('menuitem', { name: 'English' }).click();
    await page.getByRole('heading', { name: 'Projects' }).waitFor();
  });

  it('logs out; the pages then ask for a login again', async () => {
    const { page } = w;
    await page.getByTestId('user-menu').click();
    await page.getByRole('menuitem', { name: 'Log out' }).click();
    await page.waitForURL(/\/harbor\/sign-in/);
    await page.goto(`/harbor/projects/${projectId}/webhooks`);
    await page.waitForURL(/\/harbor\/sign-in\?redirect_url=/);
  });

  it('shows a developer the refusal the API gives for a project admin’s page', async () => {
    const { page } = w;
    await page.getByLabel('Username').fill(DEV);
    await page.getByLabel('Password').fill(DEV_PASSWORD);
    await page.getByRole('button', { name: 'Log in' }).click();
    // Back where the login was asked for: the project's webhooks, which a developer may not list.
    await page.waitForURL(new RegExp(`/harbor/projects/${projectId}/webhooks`));
    const api = await apiCall<{ errors: { message: string }[] }>(inst, 'GET', `/projects/${projectId}/webhook/policies`, undefined, `${DEV}:${DEV_PASSWORD}`);
    expect(api.status).toBe(403);
    // The tab is not offered to the developer at all.
    await page.getByRole('tab', { name: 'Repositories' }).waitFor();
    expect(await page.getByRole('tab', { name: 'Webhooks' }).count()).toBe(0);
    await page.getByRole('alert').filter({ hasText: api.body.errors[0].message }).waitFor();
    await checkPage(w, '20-refused');
    // No administration for a developer.
    await page.goto('/harbor/users');
    await page.getByRole('heading', { name: /not allowed/i }).waitFor();
    await checkPage(w, '21-not-admin');
  });

  it('has no serious or critical accessibility violation on any page it saw', () => {
    expect(w.axeViolations).toEqual([]);
  });
});
