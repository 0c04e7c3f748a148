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
const MembersTab = lazy(() => import('./pages/members/members-tab'));
const ProjectRobotsTab = lazy(() => import('./pages/robots/project-robots-tab'));
const SystemRobotsPage = lazy(() => import('./pages/robots/system-robots-page'));

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
          { path: 'members', element: <MembersTab /> },
          { path: 'robot-accounts', element: <ProjectRobotsTab /> },
        ],
      },
      { path: '/harbor/robot-accounts', element: <SystemRobotsPage /> },
      { path: '*', element: <NotFoundPage /> },
    ],
  },
];
