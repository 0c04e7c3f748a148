import type { ReactNode } from 'react';
import { Navigate, useLocation } from 'react-router';
import { PageLoading } from '../layout/page-loading';
import { useSession } from './session';

/** Pages behind it need a signed-in user; others go to the sign-in page and come back after. */
export function RequireSession({ children }: { children: ReactNode }) {
  const { user } = useSession();
  const location = useLocation();
  if (user === undefined) return <PageLoading />;
  if (user === null) {
    const back = encodeURIComponent(location.pathname + location.search);
    return <Navigate to={`/harbor/sign-in?redirect_url=${back}`} replace />;
  }
  return <>{children}</>;
}
