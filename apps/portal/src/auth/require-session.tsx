import type { ReactNode } from 'react';
import { Navigate, useLocation } from 'react-router';
import { useSession } from './session';

/**
 * Pages behind it need a signed-in user; others go to the sign-in page and come back after.
 * While the session is still being asked about, the page renders already and sends its own
 * requests: a browser with a session (the usual case) saves a round trip, and one without gets
 * 401s that send it to the sign-in page just the same.
 */
export function RequireSession({ children }: { children: ReactNode }) {
  const { user } = useSession();
  const location = useLocation();
  if (user === null) {
    const back = encodeURIComponent(location.pathname + location.search);
    return <Navigate to={`/harbor/sign-in?redirect_url=${back}`} replace />;
  }
  return <>{children}</>;
}
