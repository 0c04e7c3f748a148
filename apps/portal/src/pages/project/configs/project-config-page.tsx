import { useQueryClient } from '@tanstack/react-query';
import { Alert, App, Button, Card, Form, Input, Switch, Typography } from 'antd';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { API, api } from '../../../api/client';
import type { Project } from '../../../api/types';
import { useProjectPermissions } from '../../../auth/project-permissions';
import { ErrorAlert } from '../../../components/error-alert';
import { formatDate } from '../../../lib/format';
import { useProject } from '../use-project';
import { configBody, type ConfigValues, configValuesOf, type CveAllowlist, expiresAtOf, parseCveIds } from './project-config';

type ProjectWithAllowlist = Project & { cve_allowlist?: CveAllowlist & { update_time?: string } };

/**
 * The project's settings that Wharf keeps: the access level and the CVE allowlist (PUT /projects/{id}).
 * Read-only for those the API would refuse (only project admins may update a project).
 */
export default function ProjectConfigPage() {
  const { t, i18n } = useTranslation();
  const { message } = App.useApp();
  const client = useQueryClient();
  const project = useProject() as ProjectWithAllowlist;
  const permissions = useProjectPermissions(project.project_id);
  const editable = permissions.can('project', 'update');
  const [form] = Form.useForm<ConfigValues>();
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const [dirty, setDirty] = useState(false);

  useEffect(() => {
    form.setFieldsValue(configValuesOf(project));
    setDirty(false);
  }, [project, form]);

  const submit = async (values: ConfigValues) => {
    setBusy(true);
    setError(null);
    try {
      await api.put(`${API}/projects/${project.project_id}`, configBody(values, project));
      void message.success(t('project-config:saved'));
      await Promise.all([client.invalidateQueries({ queryKey: ['project'] }), client.invalidateQueries({ queryKey: ['projects'] })]);
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };

  return (
    <Form form={form} layout="vertical" onFinish={submit} disabled={!editable} onValuesChange={() => setDirty(true)} style={{ maxWidth: 720 }}>
      {permissions.loaded && !editable && <Alert type="info" showIcon title={t('project-config:readOnly')} style={{ marginBottom: 16 }} />}
      <ErrorAlert error={error} title={t('project-config:refused')} />
      <Card title={t('project-config:access.title')} size="small" style={{ marginBottom: 16 }}>
        <Form.Item name="public" label={t('project-config:access.public')} valuePropName="checked" extra={t('project-config:access.publicHelp')} style={{ marginBottom: 0 }}>
          <Switch />
        </Form.Item>
      </Card>
      <Card title={t('project-config:allowlist.title')} size="small" style={{ marginBottom: 16 }}>
        <Typography.Paragraph type="secondary">{t('project-config:allowlist.help')}</Typography.Paragraph>
        <Form.Item
          name="cveIds"
          label={t('project-config:allowlist.ids')}
          extra={t('project-config:allowlist.idsHelp')}
          rules={[
            {
              validator: async (_, value: string | undefined) => {
                const { invalid } = parseCveIds(value ?? '');
                if (invalid.length > 0) throw new Error(t('project-config:allowlist.invalid', { ids: invalid.slice(0, 5).join(' ') }));
              },
            },
          ]}
        >
          <Input.TextArea rows={5} spellCheck={false} placeholder={'CVE-2024-12345\nCVE-2023-4567'} />
        </Form.Item>
        <Form.Item
          name="expiresOn"
          label={t('project-config:allowlist.expires')}
          extra={t('project-config:allowlist.expiresHelp')}
          rules={[
            {
              validator: async (_, value: string | undefined) => {
                if (Number.isNaN(expiresAtOf(value ?? ''))) throw new Error(t('project-config:allowlist.badDate'));
              },
            },
          ]}
        >
          <Input type="date" style={{ width: 200 }} />
        </Form.Item>
        {project.cve_allowlist?.update_time && (
          <Typography.Text type="secondary">{t('project-config:allowlist.updated', { time: formatDate(project.cve_allowlist.update_time, i18n.language) })}</Typography.Text>
        )}
      </Card>
      {editable && (
        <Button type="primary" htmlType="submit" loading={busy} disabled={!dirty}>
          {t('common:save')}
        </Button>
      )}
    </Form>
  );
}
