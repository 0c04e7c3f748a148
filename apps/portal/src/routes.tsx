import { lazy } from 'react';
import { Navigate, type RouteObject } from 'react-router';
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
        ],
      },
      { path: '*', element: <NotFoundPage /> },
    ],
  },
];
