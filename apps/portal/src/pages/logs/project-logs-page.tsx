import { API } from '../../api/client';
import { useProject } from '../project/use-project';
import { AuditLogTable } from './audit-log-table';

/** A project's Logs tab: GET /projects/{project_name}/logs (Harbor names the project here). */
export default function ProjectLogsPage() {
  const project = useProject();
  return <AuditLogTable path={`${API}/projects/${encodeURIComponent(project.name)}/logs`} />;
}
