/**
 * The console's list pages the bench times, as data: a page that another change adds is one more
 * entry here. Paths are Harbor's portal paths (the console keeps them, so bookmarks carry over).
 */

/** What the seeding made, for the paths of project and repository pages. */
export interface SeededPlaces {
  projectId: number;
  projectName: string;
  /** The repository of many artifacts, its name inside the project (without `<project>/`). */
  repository: string;
}

export interface ListPage {
  /** For --pages and the JSON. */
  name: string;
  label: string;
  path(places: SeededPlaces): string;
}

export const SIGN_IN_PATH = '/harbor/sign-in';

export const LIST_PAGES: readonly ListPage[] = [
  { name: 'projects', label: 'projects', path: () => '/harbor/projects' },
  { name: 'repositories', label: "a project's repositories", path: (p) => `/harbor/projects/${p.projectId}/repositories` },
  { name: 'artifacts', label: 'artifacts of the large repository', path: (p) => `/harbor/projects/${p.projectId}/repositories/${encodeURIComponent(p.repository)}` },
  { name: 'users', label: 'users', path: () => '/harbor/users' },
  { name: 'logs', label: 'audit logs', path: () => '/harbor/logs' },
  { name: 'gc', label: 'GC history', path: () => '/harbor/clearing-job' },
  { name: 'members', label: "a project's members", path: (p) => `/harbor/projects/${p.projectId}/members` },
  { name: 'robots', label: "a project's robot accounts", path: (p) => `/harbor/projects/${p.projectId}/robot-accounts` },
];

/** The page whose JavaScript is held to the size target beside the sign-in page's. */
export const ARTIFACTS_PAGE = 'artifacts';

/** The pages named by --pages, in the table's order; all of them without a selection. */
export function selectPages(names: readonly string[] | undefined, pages: readonly ListPage[] = LIST_PAGES): ListPage[] {
  if (names === undefined) return [...pages];
  const unknown = names.filter((n) => !pages.some((p) => p.name === n));
  if (unknown.length > 0) throw new Error(`--pages: no page ${unknown.map((n) => `"${n}"`).join(', ')} (pages: ${pages.map((p) => p.name).join(', ')})`);
  return pages.filter((p) => names.includes(p.name));
}
