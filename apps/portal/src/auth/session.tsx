import { type QueryClient, useQuery, useQueryClient } from '@tanstack/react-query';
import { createContext, type ReactNode, useCallback, useContext, useEffect, useMemo } from 'react';
import { API, ApiError, api, request, resetCsrfToken, setUnauthenticatedHandler } from '../api/client';
import type { CurrentUser, Permission } from '../api/types';

interface Session {
  /** The signed-in user; null when signed out; undefined while it is being asked. */
  user: CurrentUser | null | undefined;
  login(principal: string, password: string): Promise<void>;
  logout(): Promise<void>;
  /** System-level permissions of the user (GET /users/current/permissions?scope=/). */
  can(resource: string, action: string): boolean;
}

const SessionContext = createContext<Session | null>(null);

export const CURRENT_USER_KEY = ['users', 'current'] as const;

export async function currentUser(): Promise<CurrentUser | null> {
  try {
    return await api.get<CurrentUser>(`${API}/users/current`, { quiet401: true });
  } catch (err) {
    if (err instanceof ApiError && err.status === 401) return null;
    throw err;
  }
}

/** What the previous user saw is not kept for the next; the current-user query stays observed. */
function forgetAllBut(client: QueryClient): void {
  client.removeQueries({ predicate: (q) => !(q.queryKey.length === 2 && q.queryKey[0] === 'users' && q.queryKey[1] === 'current') });
}

export function SessionProvider({ children }: { children: ReactNode }) {
  const client = useQueryClient();
  const { data: user } = useQuery({ queryKey: CURRENT_USER_KEY, queryFn: currentUser, staleTime: 60_000, retry: 1 });
  const { data: permissions } = useQuery({
    queryKey: ['users', 'current', 'permissions', user?.user_id],
    queryFn: () => api.get<Permission[]>(`${API}/users/current/permissions`, { query: { scope: '/', relative: false } }),
    enabled: !!user,
    staleTime: 60_000,
  });

  useEffect(() => {
    // The session ended elsewhere (timeout, logout in another tab, a new password): sign in again.
    setUnauthenticatedHandler(() => client.setQueryData(CURRENT_USER_KEY, null));
    return () => setUnauthenticatedHandler(null);
  }, [client]);

  const login = useCallback(
    async (principal: string, password: string) => {
      await request('POST', '/c/login', { form: { principal, password }, quiet401: true });
      const me = await currentUser();
      forgetAllBut(client);
      client.setQueryData(CURRENT_USER_KEY, me);
    },
    [client],
  );

  const logout = useCallback(async () => {
    try {
      await request('GET', '/c/log_out', { quiet401: true });
    } finally {
      resetCsrfToken();
      forgetAllBut(client);
      client.setQueryData(CURRENT_USER_KEY, null);
    }
  }, [client]);

  const can = useCallback(
    (resource: string, action: string) => !!user && (user.sysadmin_flag || (permissions ?? []).some((p) => p.resource === resource && p.action === action)),
    [user, permissions],
  );

  const value = useMemo(() => ({ user, login, logout, can }), [user, login, logout, can]);
  return <SessionContext.Provider value={value}>{children}</SessionContext.Provider>;
}

export function useSession(): Session {
  const session = useContext(SessionContext);
  if (!session) throw new Error('useSession outside SessionProvider');
  return session;
}
