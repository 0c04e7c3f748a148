import type { ColumnsType } from 'antd/es/table';
import { useTranslation } from 'react-i18next';
import { API } from '../../api/client';
import { formatBytes, formatNumber } from '../../lib/format';
import { ExecutionHistory, type ExecutionKind } from './execution-history';
import { type ExecutionRun, gcFigures } from './execution-run';

export const GC_HISTORY_KEY = ['gc', 'history'] as const;

/** GET /system/gc: garbage collection's runs with what each deleted and freed. */
export function GcHistory() {
  const { t, i18n } = useTranslation();
  const columns: ColumnsType<ExecutionRun> = [
    {
      title: t('gc:column.result'),
      key: 'result',
      render: (_, r) => {
        const f = gcFigures(r);
        if (f.artifacts === undefined && f.blobs === undefined && f.freedBytes === undefined) return '—';
        const figures = {
          artifacts: formatNumber(f.artifacts ?? 0, i18n.language),
          blobs: formatNumber(f.blobs ?? 0, i18n.language),
          size: formatBytes(f.freedBytes ?? 0, i18n.language),
        };
        return f.dryRun ? t('gc:resultDry', figures) : t('gc:result', figures);
      },
    },
  ];
  const kind: ExecutionKind = {
    basePath: `${API}/system/gc`,
    queryKey: GC_HISTORY_KEY,
    columns,
    logTitle: (id) => t('gc:log.title', { id }),
    stopTitle: (id) => t('gc:stop.title', { id }),
    stopText: t('gc:stop.text'),
  };
  return <ExecutionHistory kind={kind} />;
}
