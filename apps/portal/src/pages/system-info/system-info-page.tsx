import { ReloadOutlined } from '@ant-design/icons';
import { useQuery } from '@tanstack/react-query';
import { Button, Card, Descriptions, Flex, Table, Typography } from 'antd';
import type { ColumnsType } from 'antd/es/table';
import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { API, api } from '../../api/client';
import type { SystemInfo } from '../../api/types';
import { ErrorAlert } from '../../components/error-alert';
import { PageHeader } from '../../components/page-header';
import { formatBytes, formatDate } from '../../lib/format';
import { ToneTag } from '../admin/tone-tag';

interface ComponentHealth {
  name: string;
  status: string;
  error?: string;
}

/** GET /systeminfo/volumes: the registry's storage volume (404 when core does not know it). */
interface SystemVolumes {
  storage?: { total: number; free: number }[];
}

interface OverallHealth {
  status: string;
  components?: ComponentHealth[];
}

/** How often the health is checked again while the page is open. */
const HEALTH_REFRESH_MS = 30_000;

/** Administration → System Info: GET /systeminfo (with its volumes and root certificate) and GET /health. */
export default function SystemInfoPage() {
  const { t } = useTranslation();
  return (
    <>
      <PageHeader title={t('system-info:title')} />
      <GeneralInfo />
      <Health />
    </>
  );
}

function HealthTag({ status }: { status: string }) {
  const { t } = useTranslation();
  if (status === 'healthy') return <ToneTag tone="success">{t('system-info:health.healthy')}</ToneTag>;
  if (status === 'unhealthy') return <ToneTag tone="error">{t('system-info:health.unhealthy')}</ToneTag>;
  return <ToneTag tone="neutral">{status || '—'}</ToneTag>;
}

function GeneralInfo() {
  const { t, i18n } = useTranslation();
  const query = useQuery({ queryKey: ['systeminfo'], queryFn: () => api.get<SystemInfo>(`${API}/systeminfo`) });
  const volumes = useQuery({ queryKey: ['systeminfo-volumes'], queryFn: () => api.get<SystemVolumes>(`${API}/systeminfo/volumes`), retry: false });
  const info = query.data;
  const volume = volumes.data?.storage?.[0];
  const yesNo = (value: boolean | undefined) => (value === undefined ? '—' : value ? t('common:yes') : t('common:no'));
  const authMode = (mode: string | undefined) => (mode === 'db_auth' ? t('system-info:authDb') : mode === 'ldap_auth' ? t('system-info:authLdap') : (mode ?? '—'));
  const creation = (value: string | undefined) =>
    value === 'everyone' ? t('system-info:creationEveryone') : value === 'adminonly' ? t('system-info:creationAdminOnly') : (value ?? '—');
  const rows: { key: string; label: string; value: ReactNode }[] = info
    ? [
        { key: 'version', label: t('system-info:version'), value: info.harbor_version ?? '—' },
        { key: 'auth', label: t('system-info:authMode'), value: authMode(info.auth_mode) },
        { key: 'registry', label: t('system-info:registryUrl'), value: info.registry_url ? <Typography.Text copyable>{info.registry_url}</Typography.Text> : '—' },
        { key: 'external', label: t('system-info:externalUrl'), value: info.external_url ?? '—' },
        { key: 'storage', label: t('system-info:storageProvider'), value: info.registry_storage_provider_name ?? '—' },
        {
          key: 'volume',
          label: t('system-info:volume'),
          value: volume ? t('system-info:volumeFree', { free: formatBytes(volume.free, i18n.language), total: formatBytes(volume.total, i18n.language) }) : '—',
        },
        {
          key: 'readonly',
          label: t('system-info:readOnly'),
          value: info.read_only === undefined ? '—' : info.read_only ? <ToneTag tone="warning">{t('system-info:readOnlyOn')}</ToneTag> : t('common:no'),
        },
        { key: 'creation', label: t('system-info:projectCreation'), value: creation(info.project_creation_restriction) },
        { key: 'selfreg', label: t('system-info:selfRegistration'), value: yesNo(info.self_registration) },
        { key: 'webhooks', label: t('system-info:webhooks'), value: yesNo(info.notification_enable) },
        {
          key: 'ca',
          label: t('system-info:caRoot'),
          value: info.has_ca_root ? (
            <Flex gap={8}>
              {t('common:yes')}
              <Typography.Link href={`${API}/systeminfo/getcert`} download="ca.crt">
                {t('system-info:caDownload')}
              </Typography.Link>
            </Flex>
          ) : (
            yesNo(info.has_ca_root)
          ),
        },
        { key: 'time', label: t('system-info:currentTime'), value: info.current_time ? formatDate(info.current_time, i18n.language) : '—' },
      ]
    : [];
  return (
    <Card
      title={<Typography.Title level={3} style={{ margin: 0, fontSize: 16 }}>{t('system-info:general')}</Typography.Title>}
      loading={query.isLoading}
      style={{ marginBottom: 24 }}
    >
      <ErrorAlert error={query.error} />
      {info && (
        <Descriptions column={1} bordered size="small">
          {rows.map((r) => (
            <Descriptions.Item key={r.key} label={r.label}>
              {r.value}
            </Descriptions.Item>
          ))}
        </Descriptions>
      )}
    </Card>
  );
}

function Health() {
  const { t, i18n } = useTranslation();
  const query = useQuery({
    queryKey: ['health'],
    queryFn: () => api.get<OverallHealth>(`${API}/health`),
    refetchInterval: HEALTH_REFRESH_MS,
  });
  const columns: ColumnsType<ComponentHealth> = [
    { title: t('system-info:health.component'), dataIndex: 'name', key: 'name' },
    { title: t('system-info:health.status'), dataIndex: 'status', key: 'status', render: (s: string) => <HealthTag status={s} /> },
    { title: t('system-info:health.error'), dataIndex: 'error', key: 'error', render: (e: string | undefined) => (e ? <Typography.Text type="danger">{e}</Typography.Text> : '—') },
  ];
  return (
    <Card
      title={
        <Flex align="center" gap={8}>
          <Typography.Title level={3} style={{ margin: 0, fontSize: 16 }}>
            {t('system-info:health.title')}
          </Typography.Title>
          {query.data && <HealthTag status={query.data.status} />}
        </Flex>
      }
      extra={
        <Flex align="center" gap={8}>
          {query.dataUpdatedAt > 0 && (
            <Typography.Text type="secondary">{t('system-info:health.checkedAt', { time: formatDate(query.dataUpdatedAt, i18n.language) })}</Typography.Text>
          )}
          <Button icon={<ReloadOutlined />} onClick={() => void query.refetch()} loading={query.isFetching} aria-label={t('system-info:health.recheck')} />
        </Flex>
      }
    >
      <ErrorAlert error={query.error} />
      <Table<ComponentHealth> rowKey="name" columns={columns} dataSource={query.data?.components ?? []} loading={query.isLoading} pagination={false} size="middle" />
    </Card>
  );
}
