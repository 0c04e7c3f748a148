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
const GcPage = lazy(() => import('./pages/gc/gc-page'));
const ConfigurationPage = lazy(() => import('./pages/configuration/configuration-page'));
const SystemInfoPage = lazy(() => import('./pages/system-info/system-info-page'));

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
      { path: '/harbor/clearing-job', element: <GcPage /> },
      { path: '/harbor/configs', element: <ConfigurationPage /> },
      { path: '/harbor/system-info', element: <SystemInfoPage /> },
      { path: '*', element: <NotFoundPage /> },
    ],
  },
];
