import { useQuery } from '@tanstack/react-query';
import { Breadcrumb, Space, Tabs } from 'antd';
import { Suspense } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, Outlet, useLocation, useNavigate, useParams } from 'react-router';
import { AccessTag } from '../../components/access-tag';
import { ErrorAlert } from '../../components/error-alert';
import { PageHeader } from '../../components/page-header';
import { RoleName } from '../../components/role-name';
import { PageLoading } from '../../layout/page-loading';
import { useProjectTabs } from './project-tabs';
import { projectQuery } from './project-query';

/** One project: its name, access level and the user's role above the tabs of its pages. */
export default function ProjectLayout() {
  const { t } = useTranslation();
  const { projectId } = useParams();
  const navigate = useNavigate();
  const location = useLocation();
  const project = useQuery(projectQuery(projectId));
  const tabs = useProjectTabs();
  const base = `/harbor/projects/${projectId}`;
  // A page not offered as a tab (the user's role lacks it) highlights none.
  const active = tabs.find((tab) => location.pathname.startsWith(`${base}/${tab.path}`))?.path ?? '';

  return (
    <>
      <Breadcrumb style={{ marginBottom: 8 }} items={[{ title: <Link to="/harbor/projects">{t('common:nav.projects')}</Link> }, { title: project.data?.name ?? '…' }]} />
      <PageHeader
        title={
          <Space>
            {project.data?.name ?? '…'}
            {project.data && <AccessTag metadata={project.data.metadata} />}
          </Space>
        }
        extra={project.data && <RoleName id={project.data.current_user_role_id} />}
      />
      <ErrorAlert error={project.error} />
      {project.data && (
        <>
          <Tabs activeKey={active} onChange={(key) => navigate(`${base}/${key}`)} items={tabs.map((tab) => ({ key: tab.path, label: tab.label }))} />
          <Suspense fallback={<PageLoading />}>
            <Outlet context={project.data} />
          </Suspense>
        </>
      )}
    </>
  );
}
