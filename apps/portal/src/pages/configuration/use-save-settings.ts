import { useQueryClient } from '@tanstack/react-query';
import { App } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { API, api } from '../../api/client';
import type { ConfigValue } from './settings';

export const CONFIGURATIONS_KEY = ['configurations'] as const;

/** PUT /configurations with the changed items; the API's refusal is kept to be shown by the form. */
export function useSaveSettings() {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const client = useQueryClient();
  const [error, setError] = useState<unknown>(null);
  const [saving, setSaving] = useState(false);

  const save = async (changed: Record<string, ConfigValue>): Promise<boolean> => {
    setError(null);
    if (Object.keys(changed).length === 0) {
      void message.info(t('configuration:nothingChanged'));
      return false;
    }
    setSaving(true);
    try {
      await api.put(`${API}/configurations`, changed);
      void message.success(t('configuration:saved'));
      await Promise.all([client.invalidateQueries({ queryKey: CONFIGURATIONS_KEY }), client.invalidateQueries({ queryKey: ['systeminfo'] })]);
      return true;
    } catch (err) {
      setError(err);
      return false;
    } finally {
      setSaving(false);
    }
  };

  return { save, saving, error, setError };
}
