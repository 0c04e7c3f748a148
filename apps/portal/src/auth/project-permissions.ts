import { useQuery } from '@tanstack/react-query';
import { API, api } from '../api/client';
import type { Permission } from '../api/types';
import { useSession } from './session';

/**
 * What the user may do in one project (GET /users/current/permissions?scope=/project/<id>&relative=true):
 * pages hide the buttons the API would refuse. The API still decides; a refusal shows its message.
 */
export function useProjectPermissions(projectId: number | undefined) {
  const { user } = useSession();
  const { data } = useQuery({
    queryKey: ['permissions', projectId, user?.user_id],
    queryFn: () => api.get<Permission[]>(`${API}/users/current/permissions`, { query: { scope: `/project/${projectId}`, relative: true } }),
    enabled: !!user && projectId !== undefined,
    staleTime: 60_000,
  });
  return {
    loaded: data !== undefined,
    can: (resource: string, action: string) => !!user && (user.sysadmin_flag || (data ?? []).some((p) => p.resource === resource && p.action === action)),
  };
}
