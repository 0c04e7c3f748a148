import { DeleteOutlined } from '@ant-design/icons';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { App, Breadcrumb, Button, Card, Descriptions, Empty, Flex, Space, Table, Tag, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { Link, useLocation, useNavigate, useParams } from 'react-router';
import { api } from '../../api/client';
import type { Artifact, Platform } from '../../api/registry-types';
import { useProjectPermissions } from '../../auth/project-permissions';
import { CopyButton } from '../../components/copy-button';
import { ErrorAlert } from '../../components/error-alert';
import { formatBytes, formatDate, shortDigest } from '../../lib/format';
import { useProject } from '../project/use-project';
import { ArtifactIcon, BuildHistory, ChartAdditions } from './artifact-additions';
import { isIndex, isNever, platformLabel, repositoryHref } from './artifact-helpers';
import { AccessoryTable, IndexChildren } from './artifact-parts';
import { ArtifactTags } from './artifact-tags';
import { artifactPath, deleteArtifacts } from './delete-artifacts';
import { PullCommands } from './pull-commands';
import { LabelChips } from '../labels/label-chip';

/** The platform an image was built for, from the API's extra attributes when it gives them. */
function platformOf(extra: Record<string, unknown> | undefined): Platform | undefined {
  if (!extra) return undefined;
  const os = typeof extra['os'] === 'string' ? extra['os'] : undefined;
  const architecture = typeof extra['architecture'] === 'string' ? extra['architecture'] : undefined;
  const variant = typeof extra['variant'] === 'string' ? extra['variant'] : undefined;
  return os || architecture ? { os, architecture, variant } : undefined;
}

/** One artifact: what it is, its tags, children and accessories, and what the API says of its content. */
export default function ArtifactDetailPage() {
  const { t, i18n } = useTranslation();
  const { modal, message } = App.useApp();
  const navigate = useNavigate();
  const location = useLocation();
  const project = useProject();
  const { repo = '', digest = '' } = useParams();
  const repository = repo;
  const fullName = `${project.name}/${repository}`;
  const permissions = useProjectPermissions(project.project_id);
  const client = useQueryClient();

  const query = useQuery({
    queryKey: ['artifact', project.name, repository, digest],
    queryFn: () =>
      api.get<Artifact>(artifactPath(project.name, repository, digest), {
        query: { with_tag: true, with_label: true, with_accessory: true, with_immutable_status: true },
      }),
  });
  const artifact = query.data;
  const fromIndex = (location.state as { platform?: Platform } | null)?.platform;
  const platform = platformLabel(platformOf(artifact?.extra_attrs) ?? fromIndex);
  const extra = Object.entries(artifact?.extra_attrs ?? {});
  const annotations = Object.entries(artifact?.annotations ?? {});

  const remove = () =>
    modal.confirm({
      title: t('artifacts:delete.title', { count: 1 }),
      content: <Typography.Text code>{digest}</Typography.Text>,
      okText: t('common:delete'),
      okButtonProps: { danger: true },
      cancelText: t('common:cancel'),
      onOk: async () => {
        const [outcome] = await deleteArtifacts(project.name, repository, [digest]);
        if (outcome.error !== undefined) {
          modal.error({ title: t('artifacts:delete.refused', { count: 1 }), content: outcome.error });
          return;
        }
        void message.success(t('artifacts:delete.done', { count: 1 }));
        await client.invalidateQueries({ queryKey: ['artifacts', project.name, repository] });
        navigate(repositoryHref(project.project_id, repository));
      },
    });

  return (
    <>
      <Breadcrumb
        style={{ marginBottom: 8 }}
        items={[
          { title: <Link to={`/harbor/projects/${project.project_id}/repositories`}>{t('project:tab.repositories')}</Link> },
          { title: <Link to={repositoryHref(project.project_id, repository)}>{fullName}</Link> },
          { title: shortDigest(digest) },
        ]}
      />
      <Flex justify="space-between" align="center" wrap gap={8} style={{ marginBottom: 12 }}>
        <Space>
          <ArtifactIcon digest={artifact?.icon} alt={t('artifacts:detail.icon', { type: artifact?.type ?? '' })} />
          <Typography.Title level={3} style={{ fontSize: 18, margin: 0 }}>
            {t('artifacts:detail.title', { name: fullName, digest: shortDigest(digest) })}
          </Typography.Title>
        </Space>
        <Space>
          {artifact && (
            <PullCommands repository={fullName} digest={artifact.digest} tags={(artifact.tags ?? []).map((tag) => tag.name)} label={t('artifacts:pull.menu', { digest: shortDigest(artifact.digest) })} />
          )}
          {artifact && permissions.can('artifact', 'delete') && (
            <Button danger icon={<DeleteOutlined />} onClick={remove}>
              {t('common:delete')}
            </Button>
          )}
        </Space>
      </Flex>
      <ErrorAlert error={query.error} />
      {query.isLoading && <Card loading />}
      {artifact && (
        <Space orientation="vertical" size={16} style={{ width: '100%' }}>
          <Card title={t('artifacts:detail.overview')}>
            <Descriptions
              column={{ xs: 1, md: 2 }}
              size="small"
              items={[
                {
                  key: 'digest',
                  label: t('artifacts:column.digest'),
                  span: 'filled',
                  children: (
                    <Space wrap>
                      <Typography.Text code style={{ wordBreak: 'break-all' }}>
                        {artifact.digest}
                      </Typography.Text>
                      <CopyButton text={artifact.digest} label={t('artifacts:detail.copyDigest')} />
                    </Space>
                  ),
                },
                { key: 'type', label: t('artifacts:column.type'), children: artifact.type },
                { key: 'labels', label: t('labels:artifact.column'), children: <LabelChips labels={artifact.labels} /> },
                { key: 'size', label: t('artifacts:column.size'), children: formatBytes(artifact.size, i18n.language) },
                { key: 'manifest', label: t('artifacts:detail.manifestMediaType'), children: artifact.manifest_media_type },
                { key: 'media', label: t('artifacts:detail.mediaType'), children: artifact.media_type },
                ...(artifact.artifact_type && artifact.artifact_type !== artifact.media_type
                  ? [{ key: 'artifactType', label: t('artifacts:detail.artifactType'), children: artifact.artifact_type }]
                  : []),
                { key: 'platform', label: t('artifacts:detail.platform'), children: platform || (isIndex(artifact) ? t('artifacts:detail.platformIndex') : '—') },
                { key: 'pushed', label: t('artifacts:column.pushed'), children: formatDate(artifact.push_time, i18n.language) },
                { key: 'pulled', label: t('artifacts:column.pulled'), span: 'filled', children: isNever(artifact.pull_time) ? t('artifacts:never') : formatDate(artifact.pull_time, i18n.language) },
              ]}
            />
          </Card>

          <Card title={t('artifacts:tags.title')}>
            <ArtifactTags
              projectName={project.name}
              repository={repository}
              fullName={fullName}
              digest={artifact.digest}
              canCreate={permissions.can('tag', 'create')}
              canDelete={permissions.can('tag', 'delete')}
            />
          </Card>

          {isIndex(artifact) && (
            <Card title={t('artifacts:child.title')}>
              {(artifact.references?.length ?? 0) > 0 ? (
                <IndexChildren projectId={project.project_id} repository={repository} fullName={fullName} references={artifact.references ?? []} />
              ) : (
                <Empty description={t('artifacts:child.none')} />
              )}
            </Card>
          )}

          <Card title={t('artifacts:accessory.title')}>
            {(artifact.accessories?.length ?? 0) > 0 ? (
              <AccessoryTable projectId={project.project_id} repository={repository} accessories={artifact.accessories ?? []} />
            ) : (
              <Empty description={t('artifacts:accessory.none')} />
            )}
          </Card>

          {artifact.labels && artifact.labels.length > 0 && (
            <Card title={t('artifacts:detail.labels')}>
              <Space size={[4, 4]} wrap>
                {artifact.labels.map((label) => (
                  <Tag key={label.id} title={label.description}>
                    {label.name}
                  </Tag>
                ))}
              </Space>
            </Card>
          )}

          <Card title={t('artifacts:detail.annotations')}>
            {annotations.length > 0 ? (
              <Table
                rowKey="0"
                size="small"
                pagination={false}
                dataSource={annotations}
                columns={[
                  { title: t('artifacts:detail.key'), key: 'k', render: (_, [k]) => <Typography.Text code>{k}</Typography.Text> },
                  { title: t('artifacts:detail.value'), key: 'v', render: (_, [, v]) => <span style={{ wordBreak: 'break-all' }}>{v}</span> },
                ]}
              />
            ) : (
              <Empty description={t('artifacts:detail.noAnnotations')} />
            )}
          </Card>

          {artifact.addition_links?.['build_history'] && <BuildHistory links={artifact.addition_links} />}
          {artifact.addition_links?.['readme.md'] && <ChartAdditions links={artifact.addition_links} />}

          <Card title={t('artifacts:detail.content')}>
            {extra.length > 0 ? (
              <Descriptions
                column={1}
                size="small"
                items={extra.map(([k, v]) => ({
                  key: k,
                  label: k,
                  children: (
                    <Typography.Text style={{ whiteSpace: 'pre-wrap', wordBreak: 'break-all', fontFamily: 'monospace' }}>
                      {typeof v === 'string' ? v : JSON.stringify(v, null, 2)}
                    </Typography.Text>
                  ),
                }))}
              />
            ) : (
              <Empty description={t('artifacts:detail.noContent')} />
            )}
          </Card>
        </Space>
      )}
    </>
  );
}
