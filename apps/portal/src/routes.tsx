import { lazy, type ReactNode } from 'react';
import { Navigate, type RouteObject } from 'react-router';
import { RequireAdmin } from './auth/require-admin';
import { RequireSession } from './auth/require-session';
import { AppLayout } from './layout/app-layout';
import { NotFoundPage } from './layout/not-found-page';

/**
 * The console's pages under /harbor/ (the paths Harbor's portal uses, so bookmarks carry over).
 * Each page is its own chunk: the sign-in page loads none of the others.
 */
const SignInPage = lazy(() => import('./pages/sign-in/sign-in-page'));
const ProjectsPage = lazy(() => import('./pages/projects/projects-page'));
const ProjectLayout = lazy(() => import('./pages/project/project-layout'));
const SummaryTab = lazy(() => import('./pages/summary/summary-tab'));
const RepositoriesTab = lazy(() => import('./pages/repositories/repositories-tab'));
const ArtifactsPage = lazy(() => import('./pages/artifacts/artifacts-page'));
const ArtifactDetailPage = lazy(() => import('./pages/artifacts/artifact-detail-page'));
const ProjectLogsPage = lazy(() => import('./pages/logs/project-logs-page'));
const UsersPage = lazy(() => import('./pages/users/users-page'));
const LogsPage = lazy(() => import('./pages/logs/logs-page'));
const WebhooksPage = lazy(() => import('./pages/project/webhooks/webhooks-page'));
const ProjectConfigPage = lazy(() => import('./pages/project/configs/project-config-page'));
const PolicyPage = lazy(() => import('./pages/project/policy/policy-page'));
const MembersTab = lazy(() => import('./pages/members/members-tab'));
const ProjectRobotsTab = lazy(() => import('./pages/robots/project-robots-tab'));
const SystemRobotsPage = lazy(() => import('./pages/robots/system-robots-page'));
const GcPage = lazy(() => import('./pages/gc/gc-page'));
const ConfigurationPage = lazy(() => import('./pages/configuration/configuration-page'));
const SystemInfoPage = lazy(() => import('./pages/system-info/system-info-page'));

/** System administrators' pages; others see why not, and the page's chunk never loads. */
const admin = (page: ReactNode) => <RequireAdmin>{page}</RequireAdmin>;

export const routes: RouteObject[] = [
  { path: '/', element: <Navigate to="/harbor/projects" replace /> },
  { path: '/harbor', element: <Navigate to="/harbor/projects" replace /> },
  { path: '/harbor/sign-in', element: <SignInPage /> },
  {
    element: (
      <RequireSession>
        <AppLayout />
      </RequireSession>
    ),
    children: [
      { path: '/harbor/projects', element: <ProjectsPage /> },
      {
        path: '/harbor/projects/:projectId',
        element: <ProjectLayout />,
        children: [
          { index: true, element: <Navigate to="repositories" replace /> },
          { path: 'summary', element: <SummaryTab /> },
          { path: 'repositories', element: <RepositoriesTab /> },
          // :repo is the repository's name inside the project, encodeURIComponent'ed into one segment.
          { path: 'repositories/:repo', element: <ArtifactsPage /> },
          { path: 'repositories/:repo/artifacts-tab/artifacts/:digest', element: <ArtifactDetailPage /> },
          { path: 'members', element: <MembersTab /> },
          { path: 'robot-accounts', element: <ProjectRobotsTab /> },
          { path: 'policy', element: <PolicyPage /> },
          { path: 'webhooks', element: <WebhooksPage /> },
          { path: 'logs', element: <ProjectLogsPage /> },
          { path: 'configs', element: <ProjectConfigPage /> },
        ],
      },
      { path: '/harbor/logs', element: <LogsPage /> },
      { path: '/harbor/users', element: admin(<UsersPage />) },
      { path: '/harbor/robot-accounts', element: admin(<SystemRobotsPage />) },
      { path: '/harbor/clearing-job', element: admin(<GcPage />) },
      { path: '/harbor/configs', element: admin(<ConfigurationPage />) },
      { path: '/harbor/system-info', element: admin(<SystemInfoPage />) },
      { path: '*', element: <NotFoundPage /> },
    ],
  },
];
