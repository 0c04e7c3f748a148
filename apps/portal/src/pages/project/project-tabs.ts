import { useTranslation } from 'react-i18next';
import { useParams } from 'react-router';
import { useProjectPermissions } from '../../auth/project-permissions';

/**
 * The tabs of a project's page, in Harbor's order; each is a child route of /harbor/projects/:projectId.
 * A tab whose list the API would refuse is left out (the route still answers with the API's reason).
 */
export function useProjectTabs(): { path: string; label: string }[] {
  const { t } = useTranslation();
  const { projectId } = useParams();
  const permissions = useProjectPermissions(projectId === undefined ? undefined : Number(projectId));
  return [
    { path: 'summary', label: t('project:tab.summary') },
    { path: 'repositories', label: t('project:tab.repositories') },
    { path: 'members', label: t('project:tab.members') },
    ...(permissions.can('label', 'list') ? [{ path: 'labels', label: t('project:tab.labels') }] : []),
    { path: 'robot-accounts', label: t('project:tab.robotAccounts') },
    { path: 'policy', label: t('project:tab.policy') },
    ...(permissions.can('notification-policy', 'list') ? [{ path: 'webhooks', label: t('project:tab.webhooks') }] : []),
    { path: 'logs', label: t('logs:tab') },
    { path: 'configs', label: t('project:tab.configs') },
  ];
}
