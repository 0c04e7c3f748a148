import { useQuery } from '@tanstack/react-query';
import { Alert, Form, Input, InputNumber, Modal, Radio, Select, Space } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { API, api } from '../../api/client';
import type { Project } from '../../api/types';
import { ErrorAlert } from '../../components/error-alert';
import { PermissionTable } from './permission-table';
import { buildPermissions, PROJECT_CATALOG, PULL_ACCESS, PUSH_ACCESS, ROBOT_NAME_PATTERN, type RobotCreated, SYSTEM_CATALOG } from './robot-model';

interface Values {
  name: string;
  description?: string;
  expiry: 'days' | 'never';
  days: number;
  scope: 'all' | 'some';
  projects: string[];
}

/** The longest lifetime the API takes, in days (apps/core/src/robots/robot-rules.ts). */
const MAX_DAYS = 100_000_000;

/**
 * POST /robots for a project robot (`project` given) or a system robot: name, description,
 * lifetime and what it may do. On success the caller gets the one answer that holds the secret.
 */
export function CreateRobotDialog({
  open,
  project,
  onClose,
  onCreated,
}: {
  open: boolean;
  /** The project of a project robot; absent for a system robot. */
  project?: Project;
  onClose: () => void;
  onCreated: (created: RobotCreated) => void;
}) {
  const { t } = useTranslation();
  const [form] = Form.useForm<Values>();
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const [projectAccess, setProjectAccess] = useState<Set<string>>(() => new Set(PULL_ACCESS));
  const [systemAccess, setSystemAccess] = useState<Set<string>>(() => new Set());
  const [noAccess, setNoAccess] = useState(false);
  const [projectSearch, setProjectSearch] = useState('');
  const expiry = Form.useWatch('expiry', form);
  const scope = Form.useWatch('scope', form);
  const system = !project;

  const projects = useQuery({
    queryKey: ['projects', 'robot-scope', projectSearch],
    queryFn: () => api.list<Project>(`${API}/projects`, { query: { page: 1, page_size: 20, sort: 'name', q: projectSearch ? `name=~${projectSearch.replace(/,/g, '')}` : undefined } }),
    enabled: open && system,
  });

  const close = () => {
    form.resetFields();
    setProjectAccess(new Set(PULL_ACCESS));
    setSystemAccess(new Set());
    setError(null);
    setNoAccess(false);
    onClose();
  };

  const submit = async (values: Values) => {
    if (system && values.scope !== 'all' && (values.projects ?? []).length === 0 && projectAccess.size > 0) {
      form.setFields([{ name: 'projects', errors: [t('robots:create.chooseProjects')] }]);
      return;
    }
    const permissions = project
      ? buildPermissions({ level: 'project', project: project.name, projectAccess })
      : buildPermissions({ level: 'system', systemAccess, projectAccess, scope: values.scope === 'all' ? { kind: 'all' } : { kind: 'some', projects: values.projects ?? [] } });
    if (permissions.length === 0) {
      setNoAccess(true);
      return;
    }
    setNoAccess(false);
    setBusy(true);
    setError(null);
    try {
      const { data } = await api.post<RobotCreated>(`${API}/robots`, {
        name: values.name.trim(),
        description: values.description?.trim() ?? '',
        level: system ? 'system' : 'project',
        duration: values.expiry === 'never' ? -1 : values.days,
        permissions,
      });
      close();
      onCreated(data);
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };

  return (
    <Modal
      open={open}
      width={system ? 980 : 900}
      title={system ? t('robots:create.systemTitle') : t('robots:create.title', { project: project?.name })}
      okText={t('common:create')}
      cancelText={t('common:cancel')}
      confirmLoading={busy}
      onOk={() => form.submit()}
      onCancel={close}
      mask={{ closable: false }}
      destroyOnHidden
    >
      <ErrorAlert error={error} />
      {noAccess && <Alert type="error" showIcon role="alert" title={t('robots:create.noAccess')} style={{ marginBottom: 16 }} />}
      <Form form={form} layout="vertical" onFinish={submit} initialValues={{ expiry: 'days', days: 30, scope: 'some', projects: [] }}>
        <Form.Item
          name="name"
          label={t('robots:create.name')}
          extra={t('robots:create.nameRule')}
          rules={[
            { required: true, message: t('common:required') },
            { pattern: ROBOT_NAME_PATTERN, message: t('robots:create.nameRule') },
            { max: 200, message: t('robots:create.nameRule') },
          ]}
        >
          <Input autoComplete="off" />
        </Form.Item>
        <Form.Item name="description" label={t('robots:create.description')} rules={[{ max: 1024 }]}>
          <Input.TextArea rows={2} />
        </Form.Item>
        <Form.Item label={t('robots:create.expiration')} required>
          <Space wrap>
            <Form.Item name="expiry" noStyle>
              <Radio.Group
                aria-label={t('robots:create.expiration')}
                options={[
                  { value: 'days', label: t('robots:create.expiresAfter') },
                  { value: 'never', label: t('robots:create.never') },
                ]}
              />
            </Form.Item>
            {expiry !== 'never' && (
              <Form.Item name="days" noStyle rules={[{ required: true, message: t('common:required') }]}>
                <InputNumber min={1} max={MAX_DAYS} precision={0} aria-label={t('robots:create.days')} suffix={t('robots:create.daysUnit')} style={{ width: 160 }} />
              </Form.Item>
            )}
          </Space>
        </Form.Item>
        {system && (
          <Form.Item label={t('robots:create.systemPermissions')}>
            <PermissionTable catalog={SYSTEM_CATALOG} value={systemAccess} onChange={setSystemAccess} caption={t('robots:create.systemPermissionsCaption')} />
          </Form.Item>
        )}
        {system && (
          <Form.Item label={t('robots:create.scope')}>
            <Space orientation="vertical" style={{ width: '100%' }}>
              <Form.Item name="scope" noStyle>
                <Radio.Group
                  aria-label={t('robots:create.scope')}
                  options={[
                    { value: 'some', label: t('robots:create.someProjects') },
                    { value: 'all', label: t('robots:create.allProjects') },
                  ]}
                />
              </Form.Item>
              {scope !== 'all' && (
                <Form.Item name="projects" style={{ marginBottom: 0 }} extra={t('robots:create.projectsPlaceholder')}>
                  <Select
                    mode="multiple"
                    showSearch={{ filterOption: false, onSearch: setProjectSearch }}
                    aria-label={t('robots:create.projects')}
                    loading={projects.isFetching}
                    options={(projects.data?.items ?? []).map((p) => ({ value: p.name, label: p.name }))}
                    style={{ width: '100%' }}
                  />
                </Form.Item>
              )}
            </Space>
          </Form.Item>
        )}
        <Form.Item label={system ? t('robots:create.projectPermissions') : t('robots:create.permissions')}>
          <PermissionTable
            catalog={PROJECT_CATALOG}
            value={projectAccess}
            onChange={setProjectAccess}
            caption={system ? t('robots:create.projectPermissionsCaption') : t('robots:create.permissionsCaption')}
            presets={[
              { label: t('robots:create.presetPull'), cells: PULL_ACCESS },
              { label: t('robots:create.presetPush'), cells: PUSH_ACCESS },
            ]}
          />
        </Form.Item>
      </Form>
    </Modal>
  );
}
