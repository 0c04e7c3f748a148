import { DeleteOutlined, LockOutlined, PlusOutlined } from '@ant-design/icons';
import { keepPreviousData, useQuery, useQueryClient } from '@tanstack/react-query';
import { App, Button, Form, Input, Space, Table, Tag as AntTag } from 'antd';
import type { ColumnsType } from 'antd/es/table';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../../api/client';
import { listQuery } from '../../api/list';
import type { Tag } from '../../api/registry-types';
import { ErrorAlert, errorMessage } from '../../components/error-alert';
import { formatDate } from '../../lib/format';
import { useListState } from '../../lib/use-list-state';
import { isNever } from './artifact-helpers';
import { artifactPath } from './delete-artifacts';
import { PullCommands } from './pull-commands';

/** A tag name as the registry takes it (the API says the same when it refuses). */
const TAG_NAME = /^\w[\w.-]{0,127}$/;

/** The tags of one artifact (GET .../tags, paged by the server), with add and delete. */
export function ArtifactTags(props: {
  projectName: string;
  repository: string;
  fullName: string;
  digest: string;
  canCreate: boolean;
  canDelete: boolean;
}) {
  const { projectName, repository, fullName, digest, canCreate, canDelete } = props;
  const { t, i18n } = useTranslation();
  const { modal, message } = App.useApp();
  const client = useQueryClient();
  const list = useListState({ sort: 'name' });
  const [form] = Form.useForm<{ name: string }>();
  const [adding, setAdding] = useState(false);
  const [addError, setAddError] = useState<unknown>(null);
  const path = `${artifactPath(projectName, repository, digest)}/tags`;

  const query = useQuery({
    queryKey: ['artifact-tags', projectName, repository, digest, list.state],
    queryFn: () => api.list<Tag>(path, { query: listQuery(list.state, { with_immutable_status: true }) }),
    placeholderData: keepPreviousData,
  });

  const changed = async () => {
    await client.invalidateQueries({ queryKey: ['artifact-tags', projectName, repository, digest] });
    await client.invalidateQueries({ queryKey: ['artifact', projectName, repository] });
    await client.invalidateQueries({ queryKey: ['artifacts', projectName, repository] });
  };

  const add = async ({ name }: { name: string }) => {
    setAdding(true);
    setAddError(null);
    try {
      await api.post(path, { name: name.trim() });
      void message.success(t('artifacts:tags.added', { name: name.trim() }));
      form.resetFields();
      await changed();
    } catch (err) {
      setAddError(err);
    } finally {
      setAdding(false);
    }
  };

  const remove = (tag: Tag) =>
    modal.confirm({
      title: t('artifacts:tags.deleteTitle', { name: tag.name }),
      okText: t('common:delete'),
      okButtonProps: { danger: true },
      cancelText: t('common:cancel'),
      onOk: async () => {
        try {
          await api.delete(`${path}/${encodeURIComponent(tag.name)}`);
          void message.success(t('artifacts:tags.deleted', { name: tag.name }));
          await changed();
        } catch (err) {
          modal.error({ title: t('artifacts:tags.deleteRefused', { name: tag.name }), content: errorMessage(err) });
        }
      },
    });

  const columns: ColumnsType<Tag> = [
    {
      title: t('artifacts:tags.name'),
      dataIndex: 'name',
      key: 'name',
      sorter: true,
      defaultSortOrder: 'ascend',
      render: (name: string, tag) => (
        <Space>
          <span>{name}</span>
          {tag.immutable && <AntTag icon={<LockOutlined />}>{t('artifacts:immutable')}</AntTag>}
        </Space>
      ),
    },
    { title: t('artifacts:column.pushed'), dataIndex: 'push_time', key: 'push_time', sorter: true, render: (v: string) => formatDate(v, i18n.language) },
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
      render: (_, tag) => <PullCommands repository={fullName} digest={digest} tags={[tag.name]} label={t('artifacts:pull.menuTag', { tag: tag.name })} />,
    },
  ];
  if (canDelete) {
    columns.push({
      title: t('common:actions'),
      key: 'actions',
      render: (_, tag) => <Button size="small" danger icon={<DeleteOutlined />} aria-label={t('artifacts:tags.deleteButton', { name: tag.name })} onClick={() => remove(tag)} />,
    });
  }

  return (
    <>
      {canCreate && (
        <Form form={form} layout="inline" onFinish={add} style={{ marginBottom: 12 }}>
          <Form.Item
            name="name"
            label={t('artifacts:tags.new')}
            rules={[
              { required: true, whitespace: true, message: t('artifacts:tags.required') },
              { pattern: TAG_NAME, message: t('artifacts:tags.invalid') },
            ]}
          >
            <Input style={{ width: 220 }} maxLength={128} autoComplete="off" />
          </Form.Item>
          <Form.Item>
            <Button htmlType="submit" icon={<PlusOutlined />} loading={adding}>
              {t('artifacts:tags.add')}
            </Button>
          </Form.Item>
        </Form>
      )}
      <ErrorAlert error={addError} title={t('artifacts:tags.addRefused')} />
      <ErrorAlert error={query.error} />
      <Table<Tag>
        rowKey="id"
        size="small"
        columns={columns}
        dataSource={query.data?.items}
        loading={query.isFetching}
        pagination={list.pagination(query.data?.total)}
        onChange={list.onTableChange}
        locale={{ emptyText: t('artifacts:noTags') }}
      />
    </>
  );
}
