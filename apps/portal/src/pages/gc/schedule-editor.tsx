import { DeleteOutlined, ExperimentOutlined } from '@ant-design/icons';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { App, Button, Card, Flex, Form, Input, Select, Space, Typography } from 'antd';
import { Fragment, type ReactNode, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api, ApiError } from '../../api/client';
import { ErrorAlert, errorMessage } from '../../components/error-alert';
import { formatDate } from '../../lib/format';
import { cronOfChoice, cronShapeProblem, runNowBody, type ScheduleAnswer, type ScheduleChoice, scheduleBody, type ScheduleTiming } from './gc-schedule';

/** The schedule's own fields; a job adds its parameters' fields beside them. */
export interface ScheduleValues {
  choice: ScheduleChoice;
  cron: string;
}

/** One Clean Up job's schedule: where it is kept, which queries change with it, its texts. */
export interface ScheduleJob<V extends ScheduleValues> {
  /** POST runs the job now, PUT sets or removes the schedule. */
  path: string;
  scheduleKey: readonly string[];
  historyKey: readonly string[];
  /** The job's parameters for the form's values (dry_run is added here). */
  parametersOf: (values: V) => object;
  /** The audit log purge wants its parameters even to remove its schedule. */
  parametersWithNone?: boolean;
  texts: {
    save: string;
    saved: string;
    removed: string;
    runNow: string;
    dry: string;
    started: string;
    dryStarted: string;
    busy: string;
    confirmTitle: string;
    confirmText: string;
  };
}

/**
 * A card with a job's stored schedule (GET <path>: `{}` when there is none); its form is made
 * again from each answer, so that a saved change shows as stored.
 */
export function ScheduleCard({ title, path, queryKey, children }: { title: string; path: string; queryKey: readonly string[]; children: (answer: ScheduleAnswer) => ReactNode }) {
  const query = useQuery({ queryKey, queryFn: () => api.get<ScheduleAnswer>(path) });
  return (
    <Card title={<Typography.Title level={3} style={{ margin: 0, fontSize: 16 }}>{title}</Typography.Title>} style={{ marginBottom: 24 }} loading={query.isLoading}>
      <ErrorAlert error={query.error} />
      {query.data && <Fragment key={query.dataUpdatedAt}>{children(query.data)}</Fragment>}
    </Card>
  );
}

/**
 * The form of a job's schedule (type, cron, next run) with the job's parameter fields, and the
 * buttons that save it and that run the job now, for real (after a confirmation) or dry.
 */
export function ScheduleEditor<V extends ScheduleValues>({
  job,
  stored,
  initialParameters,
  children,
}: {
  job: ScheduleJob<V>;
  stored: ScheduleTiming;
  initialParameters: Omit<V, keyof ScheduleValues>;
  children: ReactNode;
}) {
  const { t, i18n } = useTranslation();
  const { message, modal } = App.useApp();
  const client = useQueryClient();
  const [form] = Form.useForm<V>();
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState<'save' | 'run' | 'dry' | null>(null);
  const choice = Form.useWatch((values: V) => values.choice, form) ?? stored.choice;
  const { texts } = job;

  const save = async (values: V) => {
    setBusy('save');
    setError(null);
    try {
      await api.put(job.path, scheduleBody({ choice: values.choice, cron: values.cron ?? '', parameters: job.parametersOf(values) }, job.parametersWithNone));
      void message.success(values.choice === 'None' ? texts.removed : texts.saved);
      await client.invalidateQueries({ queryKey: job.scheduleKey });
    } catch (err) {
      setError(err);
    } finally {
      setBusy(null);
    }
  };

  const run = async (dryRun: boolean) => {
    // Only the parameters need to be right to run now; the schedule's fields are not used.
    try {
      await form.validateFields(Object.keys(initialParameters));
    } catch {
      return;
    }
    const values = form.getFieldsValue();
    setBusy(dryRun ? 'dry' : 'run');
    setError(null);
    try {
      await api.post(job.path, runNowBody(job.parametersOf(values), dryRun));
      void message.success(dryRun ? texts.dryStarted : texts.started);
      await client.invalidateQueries({ queryKey: job.historyKey });
    } catch (err) {
      if (err instanceof ApiError && err.status === 409) modal.warning({ title: texts.busy, content: errorMessage(err) });
      else setError(err);
    } finally {
      setBusy(null);
    }
  };

  const confirmRun = () =>
    modal.confirm({
      title: texts.confirmTitle,
      content: texts.confirmText,
      okText: texts.runNow,
      cancelText: t('common:cancel'),
      onOk: () => run(false),
    });

  const cronRule = {
    validator: (_: unknown, value: string | undefined) => {
      if (form.getFieldsValue().choice !== 'Custom') return Promise.resolve();
      switch (cronShapeProblem(value ?? '')) {
        case 'empty':
          return Promise.reject(new Error(t('gc:schedule.cronRequired')));
        case 'fields':
          return Promise.reject(new Error(t('gc:schedule.cronFields')));
        case 'characters':
          return Promise.reject(new Error(t('gc:schedule.cronCharacters')));
        default:
          return Promise.resolve();
      }
    },
  };

  return (
    <>
      <ErrorAlert error={error} />
      <Form<V> form={form} layout="vertical" onFinish={save} initialValues={{ choice: stored.choice, cron: stored.cron, ...initialParameters } as V} style={{ maxWidth: 640 }}>
        <Space align="start" wrap size="large">
          <Form.Item name="choice" label={t('gc:schedule.type')} style={{ minWidth: 180 }}>
            <Select
              aria-label={t('gc:schedule.type')}
              options={[
                { value: 'None', label: t('gc:schedule.none') },
                { value: 'Hourly', label: t('gc:schedule.hourly') },
                { value: 'Daily', label: t('gc:schedule.daily') },
                { value: 'Weekly', label: t('gc:schedule.weekly') },
                { value: 'Custom', label: t('gc:schedule.custom') },
              ]}
            />
          </Form.Item>
          {choice === 'Custom' ? (
            <Form.Item name="cron" label={t('gc:schedule.cron')} extra={t('gc:schedule.cronHelp')} rules={[cronRule]} style={{ minWidth: 260 }}>
              <Input placeholder="0 0 3 * * *" autoComplete="off" spellCheck={false} />
            </Form.Item>
          ) : (
            choice !== 'None' && (
              <Form.Item label={t('gc:schedule.cron')} extra={t('gc:schedule.utc')}>
                <Typography.Text code>{cronOfChoice(choice, '')}</Typography.Text>
              </Form.Item>
            )
          )}
        </Space>
        {stored.choice !== 'None' && (
          <Typography.Paragraph type="secondary">
            {t('gc:schedule.next', { time: formatDate(stored.nextRun, i18n.language), cron: stored.cron })}
          </Typography.Paragraph>
        )}
        {children}
        <Flex gap={8} wrap>
          <Button type="primary" htmlType="submit" loading={busy === 'save'}>
            {texts.save}
          </Button>
          <Button icon={<DeleteOutlined />} onClick={confirmRun} loading={busy === 'run'} disabled={busy !== null}>
            {texts.runNow}
          </Button>
          <Button icon={<ExperimentOutlined />} onClick={() => void run(true)} loading={busy === 'dry'} disabled={busy !== null}>
            {texts.dry}
          </Button>
        </Flex>
      </Form>
    </>
  );
}
