import type { ColumnsType } from 'antd/es/table';
import { useTranslation } from 'react-i18next';
import { API } from '../../api/client';
import { formatNumber } from '../../lib/format';
import { ExecutionHistory, type ExecutionKind } from './execution-history';
import { type ExecutionRun, isDryRun } from './execution-run';
import { purgedCount } from './purge-schedule';

export const PURGE_HISTORY_KEY = ['purgeaudit', 'history'] as const;

/** GET /system/purgeaudit: the audit log purge's runs with how many audit logs each purged. */
export function PurgeHistory() {
  const { t, i18n } = useTranslation();
  const columns: ColumnsType<ExecutionRun> = [
    {
      title: t('purge:column.purged'),
      key: 'purged',
      render: (_, r) => {
        const n = purgedCount(r.job_parameters);
        if (n === undefined) return '—';
        const count = formatNumber(n, i18n.language);
        return isDryRun(r) ? t('purge:resultDry', { n: count }) : t('purge:result', { n: count });
      },
    },
  ];
  const kind: ExecutionKind = {
    basePath: `${API}/system/purgeaudit`,
    queryKey: PURGE_HISTORY_KEY,
    columns,
    logTitle: (id) => t('purge:log.title', { id }),
    stopTitle: (id) => t('purge:stop.title', { id }),
    stopText: t('purge:stop.text'),
  };
  return <ExecutionHistory kind={kind} />;
}
