import { useQuery } from '@tanstack/react-query';
import { Card, Col, Descriptions, Progress, Row, Space, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { API, api } from '../../api/client';
import type { ProjectSummary } from '../../api/registry-types';
import { CopyButton } from '../../components/copy-button';
import { ErrorAlert } from '../../components/error-alert';
import { formatBytes, formatNumber } from '../../lib/format';
import { registryHost } from '../../lib/pull-command';
import { quotaPercent } from '../artifacts/artifact-helpers';
import { useProject } from '../project/use-project';

/** GET /projects/{id}/summary: quota use, repositories, members by role, and where to push and pull. */
export default function SummaryTab() {
  const { t, i18n } = useTranslation();
  const project = useProject();
  const summary = useQuery({
    queryKey: ['project-summary', project.project_id],
    queryFn: () => api.get<ProjectSummary>(`${API}/projects/${project.project_id}/summary`),
  });
  const data = summary.data;
  const used = data?.quota?.used.storage;
  const hard = data?.quota?.hard.storage;
  const unlimited = hard !== undefined && hard < 0;
  const percent = quotaPercent(used, hard);
  const prefix = `${registryHost(window.location.host)}/${project.name}/`;
  const hasMembers = data?.project_admin_count !== undefined;
  const roles: { key: string; label: string; count: number | undefined }[] = [
    { key: 'admin', label: t('common:role.projectAdmin'), count: data?.project_admin_count },
    { key: 'maintainer', label: t('common:role.maintainer'), count: data?.maintainer_count },
    { key: 'developer', label: t('common:role.developer'), count: data?.developer_count },
    { key: 'guest', label: t('common:role.guest'), count: data?.guest_count },
    { key: 'limited', label: t('common:role.limitedGuest'), count: data?.limited_guest_count },
  ];

  return (
    <>
      <ErrorAlert error={summary.error} />
      <Row gutter={[16, 16]}>
        <Col xs={24} lg={12}>
          <Card title={t('summary:quota.title')} loading={summary.isLoading}>
            {data?.quota ? (
              <>
                <Typography.Paragraph style={{ marginBottom: 8 }}>
                  {unlimited
                    ? t('summary:quota.usedOfUnlimited', { used: formatBytes(used, i18n.language) })
                    : t('summary:quota.usedOf', { used: formatBytes(used, i18n.language), limit: formatBytes(hard, i18n.language) })}
                </Typography.Paragraph>
                {percent !== undefined && (
                  <Progress
                    percent={percent}
                    status={percent >= 100 ? 'exception' : 'normal'}
                    aria-label={t('summary:quota.progress', { percent: formatNumber(percent, i18n.language) })}
                  />
                )}
              </>
            ) : (
              <Typography.Text type="secondary">{t('summary:quota.none')}</Typography.Text>
            )}
          </Card>
        </Col>
        <Col xs={24} lg={12}>
          <Card title={t('summary:repositories.title')} loading={summary.isLoading}>
            <Typography.Paragraph style={{ marginBottom: 4 }}>{t('summary:repositories.count')}</Typography.Paragraph>
            <Typography.Text strong style={{ fontSize: 28 }}>
              {formatNumber(data?.repo_count ?? 0, i18n.language)}
            </Typography.Text>
          </Card>
        </Col>
        <Col xs={24} lg={12}>
          <Card title={t('summary:members.title')} loading={summary.isLoading}>
            {hasMembers ? (
              <Descriptions column={1} size="small" items={roles.map((r) => ({ key: r.key, label: r.label, children: formatNumber(r.count ?? 0, i18n.language) }))} />
            ) : (
              <Typography.Text type="secondary">{t('summary:members.hidden')}</Typography.Text>
            )}
          </Card>
        </Col>
        <Col xs={24} lg={12}>
          <Card title={t('summary:registry.title')}>
            <Descriptions
              column={1}
              size="small"
              items={[
                { key: 'address', label: t('summary:registry.address'), children: <Typography.Text code>{registryHost(window.location.host)}</Typography.Text> },
                {
                  key: 'prefix',
                  label: t('summary:registry.prefix'),
                  children: (
                    <Space>
                      <Typography.Text code>{prefix}</Typography.Text>
                      <CopyButton text={prefix} label={t('summary:registry.copyPrefix')} />
                    </Space>
                  ),
                },
                {
                  key: 'push',
                  label: t('summary:registry.push'),
                  children: <Typography.Text code>{`docker push ${prefix}${t('summary:registry.placeholder')}`}</Typography.Text>,
                },
              ]}
            />
          </Card>
        </Col>
      </Row>
    </>
  );
}
