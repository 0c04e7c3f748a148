import { useTranslation } from 'react-i18next';

/** The tabs of a project's page, in Harbor's order; each is a child route of /harbor/projects/:projectId. */
export function useProjectTabs(): { path: string; label: string }[] {
  const { t } = useTranslation();
  return [
    { path: 'summary', label: t('project:tab.summary') },
    { path: 'repositories', label: t('project:tab.repositories') },
  ];
}
