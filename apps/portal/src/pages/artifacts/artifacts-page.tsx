import { DeleteOutlined, ReloadOutlined, TagsOutlined } from '@ant-design/icons';
import { keepPreviousData, useQuery, useQueryClient } from '@tanstack/react-query';
import { App, Breadcrumb, Button, Flex, Space, Table, Tag, Typography } from 'antd';
import type { ColumnsType } from 'antd/es/table';
import { lazy, Suspense, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useParams } from 'react-router';
import { API, api, repoPath } from '../../api/client';
import { listQuery } from '../../api/list';
import type { Artifact } from '../../api/registry-types';
import { useProjectPermissions } from '../../auth/project-permissions';
import { ErrorAlert } from '../../components/error-alert';
import { formatBytes, formatDate, shortDigest } from '../../lib/format';
import { useListState } from '../../lib/use-list-state';
import { useProject } from '../project/use-project';
import { artifactHref, isIndex, isNever } from './artifact-helpers';
import { AccessoryTable, AccessoryType, IndexChildren, TagList } from './artifact-parts';
import { deleteArtifacts, deletionOrder } from './delete-artifacts';
import { PullCommands } from './pull-commands';
import { SearchBox } from '../../components/search-box';
import { LabelChips } from '../labels/label-chip';

// The label picker loads when opened.
const ArtifactLabelsDialog = lazy(() => import('./artifact-labels-dialog').then((m) => ({ default: m.ArtifactLabelsDialog })));

/** The artifacts of one repository: GET .../artifacts, paged, sorted and filtered by the server. */
export default function ArtifactsPage() {
  const { t, i18n } = useTranslation();
  const { modal, message } = App.useApp();
  const project = useProject();
  const { repo = '' } = useParams();
  const repository = repo;
  const fullName = `${project.name}/${repository}`;
  const permissions = useProjectPermissions(project.project_id);
  const client = useQueryClient();
  const list = useListState({ sort: '-push_time' });
  const [selected, setSelected] = useState<string[]>([]);
  const [labelling, setLabelling] = useState<string | null>(null);

  const path = `${API}/projects/${encodeURIComponent(project.name)}/repositories/${repoPath(repository)}/artifacts`;
  const query = useQuery({
    queryKey: ['artifacts', project.name, repository, list.state],
    queryFn: () =>
      api.list<Artifact>(path, {
        query: listQuery(list.state, { with_tag: true, with_label: true, with_accessory: true, with_immutable_status: true }),
      }),
    placeholderData: keepPreviousData,
  });

  const refresh = async () => {
    await client.invalidateQueries({ queryKey: ['artifacts', project.name, repository] });
    await client.invalidateQueries({ queryKey: ['project-summary', project.project_id] });
  };

  const remove = (digests: string[]) =>
    modal.confirm({
      title: t('artifacts:delete.title', { count: digests.length }),
      content: (
        <>
          <Typography.Paragraph>{t('artifacts:delete.text')}</Typography.Paragraph>
          <ul>
            {digests.map((d) => (
              <li key={d}>
                <Typography.Text code>{shortDigest(d)}</Typography.Text>
              </li>
            ))}
          </ul>
        </>
      ),
      okText: t('common:delete'),
      okButtonProps: { danger: true },
      cancelText: t('common:cancel'),
      onOk: async () => {
        const indexes = new Set((query.data?.items ?? []).filter(isIndex).map((a) => a.digest));
        const outcomes = await deleteArtifacts(project.name, repository, deletionOrder(digests, indexes));
        const failed = outcomes.filter((o) => o.error !== undefined);
        const deleted = outcomes.length - failed.length;
        if (deleted > 0) void message.success(t('artifacts:delete.done', { count: deleted }));
        if (failed.length > 0) {
          modal.error({
            title: t('artifacts:delete.refused', { count: failed.length }),
            width: 640,
            content: (
              <ul>
                {failed.map((f) => (
                  <li key={f.digest}>
                    <Typography.Text code>{shortDigest(f.digest)}</Typography.Text>: {f.error}
                  </li>
                ))}
              </ul>
            ),
          });
        }
        setSelected((s) => s.filter((d) => failed.some((f) => f.digest === d)));
        await refresh();
      },
    });

  const canDelete = permissions.can('artifact', 'delete');
  // Attaching and detaching are separate rights in Harbor's matrix; every role that has one has both.
  const canLabel = permissions.can('artifact-label', 'create');
  const labelled = labelling === null ? undefined : query.data?.items.find((a) => a.digest === labelling);
  const columns: ColumnsType<Artifact> = [
    {
      title: t('artifacts:column.digest'),
      dataIndex: 'digest',
      key: 'digest',
      render: (digest: string) => (
        <Link to={artifactHref(project.project_id, repository, digest)} title={digest} style={{ fontFamily: 'monospace' }}>
          {shortDigest(digest)}
        </Link>
      ),
    },
    {
      title: t('artifacts:column.type'),
      key: 'type',
      render: (_, a) => (
        <Space size={4} wrap>
          <span>{a.type}</span>
          {isIndex(a) && <Tag color="blue">{t('artifacts:index', { count: a.references?.length ?? 0 })}</Tag>}
        </Space>
      ),
    },
    { title: t('artifacts:column.tags'), key: 'tags', render: (_, a) => <TagList tags={a.tags} /> },
    {
      title: t('labels:artifact.column'),
      key: 'labels',
      render: (_, a) => (
        <Space size={4} wrap>
          <LabelChips labels={a.labels} />
          {canLabel && (
            <Button size="small" type="text" icon={<TagsOutlined />} aria-label={t('labels:artifact.edit', { digest: shortDigest(a.digest) })} onClick={() => setLabelling(a.digest)} />
          )}
        </Space>
      ),
    },
    {
      title: t('artifacts:column.accessories'),
      key: 'accessories',
      render: (_, a) =>
        a.accessories && a.accessories.length > 0 ? (
          <Space size={[4, 4]} wrap>
            {a.accessories.map((acc) => (
              <Tag key={acc.id} color="purple">
                <AccessoryType type={acc.type} />
              </Tag>
            ))}
          </Space>
        ) : (
          '—'
        ),
    },
    { title: t('artifacts:column.size'), dataIndex: 'size', key: 'size', sorter: true, render: (n: number) => formatBytes(n, i18n.language) },
    {
      title: t('artifacts:column.pushed'),
      dataIndex: 'push_time',
      key: 'push_time',
      sorter: true,
      defaultSortOrder: 'descend',
      render: (v: string) => formatDate(v, i18n.language),
    },
    {
      title: t('artifacts:column.pulled'),
      dataIndex: 'pull_time',
      key: 'pull_time',
      sorter: true,
      render: (v: string) => (isNever(v) ? t('artifacts:never') : formatDate(v, i18n.language)),
    },
    {
      title: t('artifacts:pull.column'),
      key: 'pull',
      render: (_, a) => (
        <PullCommands repository={fullName} digest={a.digest} tags={(a.tags ?? []).map((tag) => tag.name)} label={t('artifacts:pull.menu', { digest: shortDigest(a.digest) })} />
      ),
    },
  ];
  if (canDelete) {
    columns.push({
      title: t('common:actions'),
      key: 'actions',
      render: (_, a) => (
        <Button size="small" danger icon={<DeleteOutlined />} aria-label={t('artifacts:delete.button', { digest: shortDigest(a.digest) })} onClick={() => remove([a.digest])} />
      ),
    });
  }

  const expandable = (a: Artifact) => (isIndex(a) && (a.references?.length ?? 0) > 0) || (a.accessories?.length ?? 0) > 0;

  return (
    <>
      <Breadcrumb
        style={{ marginBottom: 8 }}
        items={[{ title: <Link to={`/harbor/projects/${project.project_id}/repositories`}>{t('project:tab.repositories')}</Link> }, { title: fullName }]}
      />
      <Typography.Title level={3} style={{ fontSize: 18, marginTop: 0 }}>
        {fullName}
      </Typography.Title>
      <Flex gap={8} wrap style={{ marginBottom: 16 }} justify="space-between">
        <Space wrap>
          <SearchBox
            allowClear
            placeholder={t('artifacts:search')}
            aria-label={t('artifacts:search')}
            onSearch={(v) => list.setFilter('tags', v.trim() ? `~${v.trim()}` : undefined)}
            style={{ width: 260 }}
          />
          <Button icon={<ReloadOutlined />} aria-label={t('common:refresh')} onClick={() => void refresh()} />
        </Space>
        {canDelete && (
          <Button danger icon={<DeleteOutlined />} disabled={selected.length === 0} onClick={() => remove(selected)}>
            {selected.length > 0 ? t('artifacts:delete.selected', { count: selected.length }) : t('artifacts:delete.selectedNone')}
          </Button>
        )}
      </Flex>
      <ErrorAlert error={query.error} />
      <Table<Artifact>
        rowKey="digest"
        columns={columns}
        dataSource={query.data?.items}
        loading={query.isFetching}
        pagination={list.pagination(query.data?.total)}
        onChange={list.onTableChange}
        size="middle"
        locale={{ emptyText: t('artifacts:empty') }}
        rowSelection={
          canDelete
            ? {
                selectedRowKeys: selected,
                onChange: (keys) => setSelected(keys.map(String)),
                getCheckboxProps: (a) => ({ 'aria-label': t('artifacts:select', { digest: shortDigest(a.digest) }) }),
              }
            : undefined
        }
        expandable={{
          rowExpandable: expandable,
          expandedRowRender: (a) => (
            <Space orientation="vertical" style={{ width: '100%' }}>
              {isIndex(a) && (a.references?.length ?? 0) > 0 && (
                <>
                  <Typography.Text strong>{t('artifacts:child.title')}</Typography.Text>
                  <IndexChildren projectId={project.project_id} repository={repository} fullName={fullName} references={a.references ?? []} />
                </>
              )}
              {(a.accessories?.length ?? 0) > 0 && (
                <>
                  <Typography.Text strong>{t('artifacts:accessory.title')}</Typography.Text>
                  <AccessoryTable projectId={project.project_id} repository={repository} accessories={a.accessories ?? []} />
                </>
              )}
            </Space>
          ),
        }}
      />
      {labelled && (
        <Suspense fallback={null}>
          <ArtifactLabelsDialog projectId={project.project_id} projectName={project.name} repository={repository} artifact={labelled} onClose={() => setLabelling(null)} />
        </Suspense>
      )}
    </>
  );
}
