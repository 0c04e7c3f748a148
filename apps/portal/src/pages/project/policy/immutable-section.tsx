import { PlusOutlined } from '@ant-design/icons';
import { keepPreviousData, useQuery, useQueryClient } from '@tanstack/react-query';
import { App, Button, Flex, Space, Switch, Table, Typography } from 'antd';
import type { ColumnsType } from 'antd/es/table';
import { lazy, Suspense, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { API, api } from '../../../api/client';
import { listQuery } from '../../../api/list';
import type { Project } from '../../../api/types';
import { ErrorAlert, errorMessage } from '../../../components/error-alert';
import { useListState } from '../../../lib/use-list-state';
import { MAX_RULES, type PolicyRule } from './policy-types';
import { immutableRuleToForm, NEW_IMMUTABLE_RULE } from './rule-form';
import { immutableRuleSentence } from './rule-sentence';

// Dialogs load when opened: a list page renders without their code.
const ImmutableRuleDialog = lazy(() => import('./immutable-rule-dialog').then((m) => ({ default: m.ImmutableRuleDialog })));

type Can = (resource: string, action: string) => boolean;

/** The project's immutable tag rules (GET /projects/{id}/immutabletagrules, paged by the server). */
export function ImmutableSection({ project, can }: { project: Project; can: Can }) {
  const { t } = useTranslation();
  const { modal, message } = App.useApp();
  const client = useQueryClient();
  const list = useListState();
  const [editing, setEditing] = useState<{ rule?: PolicyRule } | null>(null);
  const [toggling, setToggling] = useState<number | null>(null);
  const base = `${API}/projects/${project.project_id}/immutabletagrules`;

  const rules = useQuery({
    queryKey: ['immutable-rules', project.project_id, list.state],
    queryFn: () => api.list<PolicyRule>(base, { query: listQuery(list.state) }),
    placeholderData: keepPreviousData,
  });
  const refresh = () => client.invalidateQueries({ queryKey: ['immutable-rules', project.project_id] });

  const save = (id: number | undefined) => async (rule: PolicyRule) => {
    if (id === undefined) {
      await api.post(base, rule);
      void message.success(t('immutable:added'));
    } else {
      await api.put(`${base}/${id}`, { ...rule, id });
      void message.success(t('immutable:saved'));
    }
    await refresh();
  };

  const toggle = async (rule: PolicyRule) => {
    if (rule.id === undefined) return;
    setToggling(rule.id);
    try {
      await api.put(`${base}/${rule.id}`, { ...rule, disabled: !rule.disabled });
      void message.success(rule.disabled ? t('immutable:enabledDone', { id: rule.id }) : t('immutable:disabledDone', { id: rule.id }));
      await refresh();
    } catch (err) {
      modal.error({ title: t('immutable:saveFailed'), content: errorMessage(err) });
    } finally {
      setToggling(null);
    }
  };

  const remove = (rule: PolicyRule) =>
    modal.confirm({
      title: t('immutable:delete.title', { id: rule.id }),
      content: immutableRuleSentence(rule, t),
      okText: t('common:delete'),
      okButtonProps: { danger: true },
      cancelText: t('common:cancel'),
      onOk: async () => {
        try {
          await api.delete(`${base}/${rule.id}`);
          void message.success(t('immutable:delete.done', { id: rule.id }));
          await refresh();
        } catch (err) {
          modal.error({ title: t('immutable:delete.refused', { id: rule.id }), content: errorMessage(err) });
        }
      },
    });

  const canUpdate = can('immutable-tag', 'update');
  const canDelete = can('immutable-tag', 'delete');
  const canCreate = can('immutable-tag', 'create');
  const total = rules.data?.total ?? 0;

  const columns: ColumnsType<PolicyRule> = [
    { title: t('immutable:column.id'), dataIndex: 'id', key: 'id', width: 80 },
    { title: t('immutable:column.rule'), key: 'rule', render: (_, r) => immutableRuleSentence(r, t) },
    {
      title: t('immutable:column.enabled'),
      key: 'enabled',
      width: 120,
      render: (_, r) => (
        <Switch
          checked={!r.disabled}
          disabled={!canUpdate}
          loading={toggling === r.id}
          onChange={() => void toggle(r)}
          aria-label={t('immutable:toggleLabel', { id: r.id })}
        />
      ),
    },
  ];
  if (canUpdate || canDelete) {
    columns.push({
      title: t('common:actions'),
      key: 'actions',
      width: 180,
      render: (_, r) => (
        <Space size="small">
          {canUpdate && (
            <Button size="small" onClick={() => setEditing({ rule: r })} aria-label={t('immutable:editLabel', { id: r.id })}>
              {t('immutable:edit')}
            </Button>
          )}
          {canDelete && (
            <Button size="small" danger onClick={() => remove(r)} aria-label={t('immutable:deleteLabel', { id: r.id })}>
              {t('common:delete')}
            </Button>
          )}
        </Space>
      ),
    });
  }

  return (
    <>
      <Flex justify="space-between" align="center" wrap gap={8} style={{ marginBottom: 8 }}>
        <Typography.Title level={3} style={{ margin: 0, fontSize: 18 }}>
          {t('immutable:rules')}
        </Typography.Title>
        <Space wrap>
          <Typography.Text type="secondary">{t('immutable:count', { count: total, max: MAX_RULES })}</Typography.Text>
          {canCreate && (
            <Button type="primary" icon={<PlusOutlined />} disabled={total >= MAX_RULES} onClick={() => setEditing({})}>
              {t('immutable:add')}
            </Button>
          )}
        </Space>
      </Flex>
      <Typography.Paragraph type="secondary">{t('immutable:help')}</Typography.Paragraph>
      <ErrorAlert error={rules.error} />
      <Table<PolicyRule>
        rowKey="id"
        columns={columns}
        dataSource={rules.data?.items}
        loading={rules.isFetching}
        pagination={list.pagination(rules.data?.total)}
        onChange={list.onTableChange}
        size="middle"
        locale={{ emptyText: <Typography.Text type="secondary">{t('immutable:empty')}</Typography.Text> }}
      />
      {editing && (
        <Suspense fallback={null}>
          <ImmutableRuleDialog
            editing={editing.rule !== undefined}
            initial={editing.rule ? immutableRuleToForm(editing.rule) : NEW_IMMUTABLE_RULE}
            onSave={save(editing.rule?.id)}
            onClose={() => setEditing(null)}
          />
        </Suspense>
      )}
    </>
  );
}
