import { PlayCircleOutlined, PlusOutlined } from '@ant-design/icons';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { Alert, App, Button, Flex, Space, Table, Typography } from 'antd';
import type { ColumnsType } from 'antd/es/table';
import { lazy, Suspense, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { API, api } from '../../../api/client';
import type { Project } from '../../../api/types';
import { ErrorAlert, errorMessage } from '../../../components/error-alert';
import { PageLoading } from '../../../layout/page-loading';
import { MAX_RULES, type PolicyRule, RETENTION_ALGORITHM, type RetentionMetadata, type RetentionPolicy, type RetentionPolicyBody } from './policy-types';
import { NEW_RETENTION_RULE, retentionRuleToForm, withRule } from './rule-form';
import { retentionRuleSentence } from './rule-sentence';
import { RetentionRuns } from './retention-runs';
import { RetentionSchedule } from './retention-schedule';
import { StatusTag } from './status-tag';

// Dialogs load when opened: a list page renders without their code.
const RetentionRuleDialog = lazy(() => import('./retention-rule-dialog').then((m) => ({ default: m.RetentionRuleDialog })));

type Can = (resource: string, action: string) => boolean;

/** Where the project's policy is: the project's retention_id metadata (absent until one is created). */
function retentionIdOf(project: Project): number | undefined {
  const raw = project.metadata?.['retention_id'];
  return raw && /^\d+$/.test(raw) ? Number(raw) : undefined;
}

/**
 * The project's tag retention policy: its rules (each read as a sentence), its schedule, runs
 * started by hand (dry or for real) and their history. Every change sends the whole policy, as the
 * API takes it; the first change creates the policy.
 */
export function RetentionSection({ project, can }: { project: Project; can: Can }) {
  const { t } = useTranslation();
  const { modal, message } = App.useApp();
  const client = useQueryClient();
  const retentionId = retentionIdOf(project);
  const [editing, setEditing] = useState<{ index?: number } | null>(null);

  const metadata = useQuery({ queryKey: ['retention-metadata'], queryFn: () => api.get<RetentionMetadata>(`${API}/retentions/metadatas`), staleTime: Infinity });
  const policy = useQuery({
    queryKey: ['retention', retentionId],
    queryFn: () => api.get<RetentionPolicy>(`${API}/retentions/${retentionId}`),
    enabled: retentionId !== undefined,
  });

  const canChange = retentionId === undefined ? can('tag-retention', 'create') : can('tag-retention', 'update');
  const rules = policy.data?.rules ?? [];

  /** PUT the policy with these rules and this cron, or POST a new one when the project has none. */
  const save = async (nextRules: PolicyRule[], cron: string) => {
    const trigger = { kind: policy.data?.trigger.kind ?? 'Schedule', settings: { cron }, references: {} };
    if (policy.data) {
      const body: RetentionPolicyBody = { ...policy.data, rules: nextRules, trigger };
      await api.put(`${API}/retentions/${policy.data.id}`, body);
    } else {
      const body: RetentionPolicyBody = { algorithm: RETENTION_ALGORITHM, rules: nextRules, trigger, scope: { level: 'project', ref: project.project_id } };
      await api.post(`${API}/retentions`, body);
      // The new policy's id arrives as the project's retention_id.
      await client.invalidateQueries({ queryKey: ['project'] });
    }
    await client.invalidateQueries({ queryKey: ['retention'] });
  };
  const cron = policy.data?.trigger.settings.cron ?? '';

  const saveRule = (index: number | undefined) => async (rule: PolicyRule) => {
    await save(withRule(rules, index, rule), cron);
    void message.success(index === undefined ? t('retention:ruleAdded') : t('retention:ruleSaved'));
  };

  const toggle = async (index: number) => {
    const rule = rules[index];
    try {
      await save(withRule(rules, index, { ...rule, disabled: !rule.disabled }), cron);
      void message.success(rule.disabled ? t('retention:ruleEnabled', { number: index + 1 }) : t('retention:ruleDisabled', { number: index + 1 }));
    } catch (err) {
      modal.error({ title: t('retention:saveFailed'), content: errorMessage(err) });
    }
  };

  const remove = (index: number) =>
    modal.confirm({
      title: t('retention:deleteRule.title', { number: index + 1 }),
      content: retentionRuleSentence(rules[index], t),
      okText: t('common:delete'),
      okButtonProps: { danger: true },
      cancelText: t('common:cancel'),
      onOk: async () => {
        try {
          await save(withRule(rules, index, null), cron);
          void message.success(t('retention:deleteRule.done', { number: index + 1 }));
        } catch (err) {
          modal.error({ title: t('retention:saveFailed'), content: errorMessage(err) });
        }
      },
    });

  const run = async (dryRun: boolean) => {
    if (!policy.data) return;
    try {
      const answer = await api.post(`${API}/retentions/${policy.data.id}/executions`, { dry_run: dryRun });
      const id = answer.headers.get('Location')?.split('/').pop() ?? '';
      void message.success(dryRun ? t('retention:run.dryStarted', { id }) : t('retention:run.started', { id }));
      await client.invalidateQueries({ queryKey: ['retention-executions'] });
    } catch (err) {
      modal.error({ title: t('retention:run.refused'), content: errorMessage(err) });
    }
  };

  const runNow = () =>
    modal.confirm({
      title: t('retention:run.confirmTitle'),
      content: t('retention:run.confirmText'),
      okText: t('retention:run.now'),
      okButtonProps: { danger: true },
      cancelText: t('common:cancel'),
      onOk: () => run(false),
    });

  if (retentionId !== undefined && policy.isPending) return <PageLoading />;

  const columns: ColumnsType<PolicyRule> = [
    { title: t('retention:column.number'), key: 'number', width: 60, render: (_, _r, i) => i + 1 },
    { title: t('retention:column.rule'), key: 'rule', render: (_, r) => retentionRuleSentence(r, t) },
    {
      title: t('retention:column.status'),
      key: 'status',
      width: 120,
      render: (_, r) => (r.disabled ? <StatusTag tone="neutral">{t('retention:disabled')}</StatusTag> : <StatusTag tone="success">{t('retention:enabled')}</StatusTag>),
    },
  ];
  if (canChange) {
    columns.push({
      title: t('common:actions'),
      key: 'actions',
      width: 260,
      render: (_, r, i) => (
        <Space size="small" wrap>
          <Button size="small" onClick={() => setEditing({ index: i })} aria-label={t('retention:editLabel', { number: i + 1 })}>
            {t('retention:edit')}
          </Button>
          <Button size="small" onClick={() => void toggle(i)} aria-label={r.disabled ? t('retention:enableLabel', { number: i + 1 }) : t('retention:disableLabel', { number: i + 1 })}>
            {r.disabled ? t('retention:enable') : t('retention:disable')}
          </Button>
          <Button size="small" danger onClick={() => remove(i)} aria-label={t('retention:deleteLabel', { number: i + 1 })}>
            {t('common:delete')}
          </Button>
        </Space>
      ),
    });
  }

  const enabledRules = rules.filter((r) => !r.disabled).length;
  const canRun = !!policy.data && can('tag-retention', 'update');

  return (
    <>
      <ErrorAlert error={policy.error ?? metadata.error} />
      <Flex justify="space-between" align="center" wrap gap={8} style={{ marginBottom: 8 }}>
        <Typography.Title level={3} style={{ margin: 0, fontSize: 18 }}>
          {t('retention:rules.title')}
        </Typography.Title>
        <Space wrap>
          <Typography.Text type="secondary">{t('retention:rules.count', { count: rules.length, max: MAX_RULES })}</Typography.Text>
          {canChange && (
            <Button type="primary" icon={<PlusOutlined />} disabled={rules.length >= MAX_RULES || !metadata.data} onClick={() => setEditing({})}>
              {t('retention:add')}
            </Button>
          )}
        </Space>
      </Flex>
      {retentionId === undefined && <Alert type="info" showIcon style={{ marginBottom: 16 }} title={t('retention:noPolicy')} />}
      <Table<PolicyRule>
        rowKey={(r) => r.id ?? JSON.stringify(r)}
        columns={columns}
        dataSource={rules}
        pagination={false}
        size="middle"
        locale={{ emptyText: <Typography.Text type="secondary">{t('retention:rules.empty')}</Typography.Text> }}
        style={{ marginBottom: 24 }}
      />

      <RetentionSchedule cron={cron} canChange={canChange} onSave={(next) => save(rules, next)} />

      {canRun && (
        <Flex justify="flex-start" gap={8} wrap style={{ margin: '24px 0 8px' }}>
          <Button onClick={() => void run(true)} disabled={enabledRules === 0} icon={<PlayCircleOutlined />}>
            {t('retention:run.dryRun')}
          </Button>
          <Button danger onClick={runNow} disabled={enabledRules === 0}>
            {t('retention:run.now')}
          </Button>
          {enabledRules === 0 && <Typography.Text type="secondary">{t('retention:run.noRules')}</Typography.Text>}
        </Flex>
      )}

      {policy.data && can('tag-retention', 'list') && <RetentionRuns policyId={policy.data.id} canStop={can('tag-retention', 'update')} />}

      {editing && metadata.data && (
        <Suspense fallback={null}>
          <RetentionRuleDialog
            editing={editing.index !== undefined}
            initial={editing.index !== undefined ? retentionRuleToForm(rules[editing.index]) : NEW_RETENTION_RULE}
            templates={metadata.data.templates}
            onSave={saveRule(editing.index)}
            onClose={() => setEditing(null)}
          />
        </Suspense>
      )}
    </>
  );
}
