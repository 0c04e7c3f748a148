import { DeleteOutlined, ExperimentOutlined } from '@ant-design/icons';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { App, Button, Card, Checkbox, Flex, Form, Input, InputNumber, Select, Space, Typography } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { API, ApiError, api } from '../../api/client';
import { ErrorAlert, errorMessage } from '../../components/error-alert';
import { formatDate } from '../../lib/format';
import { cronOfChoice, cronShapeProblem, type GcScheduleAnswer, MAX_WORKERS, MIN_WORKERS, runNowBody, type ScheduleChoice, scheduleBody, type ScheduleForm, scheduleFormOf } from './gc-schedule';

interface Values {
  choice: ScheduleChoice;
  cron: string;
  delete_untagged: boolean;
  workers: number;
}

export const GC_SCHEDULE_KEY = ['gc', 'schedule'] as const;

/** The schedule (GET/PUT /system/gc/schedule) and the buttons that run GC now, for real or dry. */
export function GcScheduleCard() {
  const { t } = useTranslation();
  const query = useQuery({ queryKey: GC_SCHEDULE_KEY, queryFn: () => api.get<GcScheduleAnswer>(`${API}/system/gc/schedule`) });
  return (
    <Card title={<Typography.Title level={3} style={{ margin: 0, fontSize: 16 }}>{t('gc:schedule.title')}</Typography.Title>} style={{ marginBottom: 24 }} loading={query.isLoading}>
      <ErrorAlert error={query.error} />
      {query.data && <ScheduleEditor key={query.dataUpdatedAt} stored={scheduleFormOf(query.data)} />}
    </Card>
  );
}

function ScheduleEditor({ stored }: { stored: ScheduleForm }) {
  const { t, i18n } = useTranslation();
  const { message, modal } = App.useApp();
  const client = useQueryClient();
  const [form] = Form.useForm<Values>();
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState<'save' | 'run' | 'dry' | null>(null);
  const choice = Form.useWatch('choice', form) ?? stored.choice;

  const parametersOf = (values: Values) => ({ ...stored.parameters, delete_untagged: values.delete_untagged, workers: values.workers });

  const save = async (values: Values) => {
    setBusy('save');
    setError(null);
    try {
      await api.put(`${API}/system/gc/schedule`, scheduleBody({ choice: values.choice, cron: values.cron ?? '', parameters: parametersOf(values) }));
      void message.success(values.choice === 'None' ? t('gc:schedule.removed') : t('gc:schedule.saved'));
      await client.invalidateQueries({ queryKey: GC_SCHEDULE_KEY });
    } catch (err) {
      setError(err);
    } finally {
      setBusy(null);
    }
  };

  const run = async (dryRun: boolean) => {
    const values = form.getFieldsValue();
    setBusy(dryRun ? 'dry' : 'run');
    setError(null);
    try {
      await api.post(`${API}/system/gc/schedule`, runNowBody(parametersOf(values), dryRun));
      void message.success(dryRun ? t('gc:run.dryStarted') : t('gc:run.started'));
      await client.invalidateQueries({ queryKey: ['gc', 'history'] });
    } catch (err) {
      if (err instanceof ApiError && err.status === 409) modal.warning({ title: t('gc:run.busy'), content: errorMessage(err) });
      else setError(err);
    } finally {
      setBusy(null);
    }
  };

  const confirmRun = () =>
    modal.confirm({
      title: t('gc:run.confirmTitle'),
      content: t('gc:run.confirmText'),
      okText: t('gc:run.now'),
      cancelText: t('common:cancel'),
      onOk: () => run(false),
    });

  const cronRule = {
    validator: (_: unknown, value: string | undefined) => {
      if (form.getFieldValue('choice') !== 'Custom') return Promise.resolve();
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
      <Form<Values>
        form={form}
        layout="vertical"
        onFinish={save}
        initialValues={{ choice: stored.choice, cron: stored.cron, delete_untagged: stored.parameters.delete_untagged, workers: stored.parameters.workers }}
        style={{ maxWidth: 640 }}
      >
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
        <Form.Item name="delete_untagged" valuePropName="checked" extra={t('gc:deleteUntaggedHelp')}>
          <Checkbox>{t('gc:deleteUntagged')}</Checkbox>
        </Form.Item>
        <Form.Item name="workers" label={t('gc:workers')} extra={t('gc:workersHelp', { min: MIN_WORKERS, max: MAX_WORKERS })} rules={[{ required: true, message: t('common:required') }]}>
          <InputNumber min={MIN_WORKERS} max={MAX_WORKERS} precision={0} aria-label={t('gc:workers')} />
        </Form.Item>
        <Flex gap={8} wrap>
          <Button type="primary" htmlType="submit" loading={busy === 'save'}>
            {t('gc:schedule.save')}
          </Button>
          <Button icon={<DeleteOutlined />} onClick={confirmRun} loading={busy === 'run'} disabled={busy !== null}>
            {t('gc:run.now')}
          </Button>
          <Button icon={<ExperimentOutlined />} onClick={() => void run(true)} loading={busy === 'dry'} disabled={busy !== null}>
            {t('gc:run.dry')}
          </Button>
        </Flex>
      </Form>
    </>
  );
}
