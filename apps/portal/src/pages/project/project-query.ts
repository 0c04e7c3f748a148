import { API, api } from '../../api/client';
import type { Project } from '../../api/types';

/** The project a project page shows, by its id in the address: one query for the frame and the router. */
export function projectQuery(projectId: string | undefined) {
  return { queryKey: ['project', projectId], queryFn: () => api.get<Project>(`${API}/projects/${projectId}`) };
}
