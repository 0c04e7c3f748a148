import { Alert, Tabs } from 'antd';
import { useTranslation } from 'react-i18next';
import { useProjectPermissions } from '../../../auth/project-permissions';
import { PageLoading } from '../../../layout/page-loading';
import { useProject } from '../use-project';
import { ImmutableSection } from './immutable-section';
import { RetentionSection } from './retention-section';

/** A project's policies: tag retention and tag immutability, each shown to the roles that may see it. */
export default function PolicyPage() {
  const { t } = useTranslation();
  const project = useProject();
  const permissions = useProjectPermissions(project.project_id);
  if (!permissions.loaded) return <PageLoading />;

  const items = [
    permissions.can('tag-retention', 'read') && { key: 'retention', label: t('retention:title'), children: <RetentionSection project={project} can={permissions.can} /> },
    permissions.can('immutable-tag', 'list') && { key: 'immutable', label: t('immutable:title'), children: <ImmutableSection project={project} can={permissions.can} /> },
  ].filter((item) => !!item);

  if (items.length === 0) return <Alert type="info" showIcon title={t('retention:noAccess')} />;
  return <Tabs type="card" items={items} />;
}
