import { Alert } from 'antd';
import { useTranslation } from 'react-i18next';
import { ApiError } from '../api/client';

/** The API's own reason for a refusal (Harbor's error messages), as text. */
export function errorMessage(error: unknown): string {
  if (error instanceof ApiError) return error.errors.map((e) => e.message).filter(Boolean).join('; ') || `HTTP ${error.status}`;
  if (error instanceof Error) return error.message;
  return String(error);
}

export function ErrorAlert({ error, title }: { error: unknown; title?: string }) {
  const { t } = useTranslation();
  if (!error) return null;
  const status = error instanceof ApiError ? error.status : undefined;
  const heading =
    title ??
    (status === 403 ? t('common:error.forbidden') : status === 404 ? t('common:error.notFound') : status === 503 ? t('common:error.unavailable') : t('common:error.failed'));
  return <Alert type="error" showIcon role="alert" title={heading} description={errorMessage(error)} style={{ marginBottom: 16 }} />;
}
