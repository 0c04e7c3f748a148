import type { ComponentType } from 'react';
import { Navigate, type RouteObject } from 'react-router';
import { queryClient } from './api/query-client';
import { projectQuery } from './pages/project/project-query';
import { RequireSession } from './auth/require-session';

/**
 * The console's pages under /harbor/ (the paths Harbor's portal uses, so bookmarks carry over).
 * Each page is its own chunk, loaded by the router as soon as the address matches: in parallel
 * with the session check rather than after it, and the sign-in page loads none of the others.
 */
type PageModule = Promise<{ default: ComponentType }>;

const page = (load: () => PageModule) => async () => ({ Component: (await load()).default });

/** System administrators' pages; others see why not (the API would refuse them anyway). */
const adminPage = (load: () => PageModule) => async () => {
  const [{ default: Page }, { RequireAdmin }] = await Promise.all([load(), import('./auth/require-admin')]);
  return {
    element: (
      <RequireAdmin>
        <Page />
      </RequireAdmin>
    ),
  };
};

export const routes: RouteObject[] = [
  { path: '/', element: <Navigate to="/harbor/projects" replace /> },
  { path: '/harbor', element: <Navigate to="/harbor/projects" replace /> },
  { path: '/harbor/sign-in', lazy: page(() => import('./pages/sign-in/sign-in-page')) },
  // Harbor's /oidc-onboard, with the other pages: core's OIDC callback sends new users here to pick a user name.
  { path: '/harbor/oidc-onboard', lazy: page(() => import('./pages/oidc-onboard/oidc-onboard-page')) },
  {
    lazy: async () => {
      const { AppLayout } = await import('./layout/app-layout');
      return {
        element: (
          <RequireSession>
            <AppLayout />
          </RequireSession>
        ),
      };
    },
    children: [
      { path: '/harbor/projects', lazy: page(() => import('./pages/projects/projects-page')) },
      {
        path: '/harbor/projects/:projectId',
        lazy: page(() => import('./pages/project/project-layout')),
        // The project is asked for while the page's code loads: its tabs need its name for their lists.
        loader: ({ params }) => {
          void queryClient.prefetchQuery(projectQuery(params.projectId));
          return null;
        },
        children: [
          { index: true, element: <Navigate to="repositories" replace /> },
          { path: 'summary', lazy: page(() => import('./pages/summary/summary-tab')) },
          { path: 'repositories', lazy: page(() => import('./pages/repositories/repositories-tab')) },
          // :repo is the repository's name inside the project, encodeURIComponent'ed into one segment.
          { path: 'repositories/:repo', lazy: page(() => import('./pages/artifacts/artifacts-page')) },
          { path: 'repositories/:repo/artifacts-tab/artifacts/:digest', lazy: page(() => import('./pages/artifacts/artifact-detail-page')) },
          { path: 'members', lazy: page(() => import('./pages/members/members-tab')) },
          { path: 'labels', lazy: page(() => import('./pages/labels/project-labels-tab')) },
          { path: 'robot-accounts', lazy: page(() => import('./pages/robots/project-robots-tab')) },
          { path: 'policy', lazy: page(() => import('./pages/project/policy/policy-page')) },
          { path: 'webhooks', lazy: page(() => import('./pages/project/webhooks/webhooks-page')) },
          { path: 'logs', lazy: page(() => import('./pages/logs/project-logs-page')) },
          { path: 'configs', lazy: page(() => import('./pages/project/configs/project-config-page')) },
        ],
      },
      { path: '/harbor/logs', lazy: page(() => import('./pages/logs/logs-page')) },
      { path: '/harbor/users', lazy: adminPage(() => import('./pages/users/users-page')) },
      { path: '/harbor/groups', lazy: adminPage(() => import('./pages/groups/groups-page')) },
      { path: '/harbor/robot-accounts', lazy: adminPage(() => import('./pages/robots/system-robots-page')) },
      { path: '/harbor/labels', lazy: adminPage(() => import('./pages/labels/global-labels-page')) },
      { path: '/harbor/clearing-job/:tab?', lazy: adminPage(() => import('./pages/gc/gc-page')) },
      { path: '/harbor/job-service-dashboard', lazy: adminPage(() => import('./pages/jobservice/job-service-page')) },
      { path: '/harbor/configs', lazy: adminPage(() => import('./pages/configuration/configuration-page')) },
      { path: '/harbor/system-info', lazy: adminPage(() => import('./pages/system-info/system-info-page')) },
      { path: '*', lazy: async () => ({ Component: (await import('./layout/not-found-page')).NotFoundPage }) },
    ],
  },
];
