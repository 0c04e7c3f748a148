import { API } from '../../api/client';
import { useProject } from '../project/use-project';
import { AuditLogTabs } from './logs-page';

/** A project's Logs tab: GET /projects/{project_name}/auditlog-exts, and the older /logs (Harbor names the project here). */
export default function ProjectLogsPage() {
  const project = useProject();
  const base = `${API}/projects/${encodeURIComponent(project.name)}`;
  return <AuditLogTabs extendedPath={`${base}/auditlog-exts`} legacyPath={`${base}/logs`} />;
}
