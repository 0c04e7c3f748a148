import { useTranslation } from 'react-i18next';

/** The tabs of a project's page, in Harbor's order; each is a child route of /harbor/projects/:projectId. */
export function useProjectTabs(): { path: string; label: string }[] {
  const { t } = useTranslation();
  return [
    { path: 'repositories', label: t('project:tab.repositories') },
    { path: 'members', label: t('project:tab.members') },
    { path: 'robot-accounts', label: t('project:tab.robotAccounts') },
  ];
}
