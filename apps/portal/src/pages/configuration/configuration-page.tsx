import { useQuery } from '@tanstack/react-query';
import { Tabs } from 'antd';
import { useTranslation } from 'react-i18next';
import { API, api } from '../../api/client';
import { ErrorAlert } from '../../components/error-alert';
import { PageHeader } from '../../components/page-header';
import { PageLoading } from '../../layout/page-loading';
import { AuthSettingsForm } from './auth-settings-form';
import type { ConfigurationsAnswer } from './settings';
import { SystemSettingsForm } from './system-settings-form';
import { CONFIGURATIONS_KEY } from './use-save-settings';

/** Administration → Configuration: GET/PUT /configurations in two tabs. */
export default function ConfigurationPage() {
  const { t } = useTranslation();
  return (
    <>
      <PageHeader title={t('configuration:title')} />
      <Settings />
    </>
  );
}

function Settings() {
  const { t } = useTranslation();
  const query = useQuery({ queryKey: CONFIGURATIONS_KEY, queryFn: () => api.get<ConfigurationsAnswer>(`${API}/configurations`) });
  if (query.error) return <ErrorAlert error={query.error} />;
  if (!query.data) return <PageLoading />;
  // A new answer (after a save) starts the forms again from the stored values.
  const key = query.dataUpdatedAt;
  return (
    <Tabs
      items={[
        { key: 'auth', label: t('configuration:tab.auth'), children: <AuthSettingsForm key={key} answer={query.data} /> },
        { key: 'system', label: t('configuration:tab.system'), children: <SystemSettingsForm key={key} answer={query.data} /> },
      ]}
    />
  );
}
