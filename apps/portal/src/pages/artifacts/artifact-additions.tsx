import { useQuery } from '@tanstack/react-query';
import { Card, Empty, Table, Tabs, Tag, Typography } from 'antd';
import type { ColumnsType } from 'antd/es/table';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { API, api } from '../../api/client';
import type { AdditionLinks } from '../../api/registry-types';
import { ErrorAlert } from '../../components/error-alert';
import { formatDate } from '../../lib/format';

/** One step of an image's build history (Harbor's build_history addition). */
interface HistoryStep {
  created?: string;
  created_by?: string;
  author?: string;
  comment?: string;
  empty_layer?: boolean;
}

/** A chart dependency (Harbor's dependencies addition). */
interface ChartDependency {
  name: string;
  version?: string;
  repository: string;
  alias?: string;
  condition?: string;
}

const PRE = { whiteSpace: 'pre-wrap', wordBreak: 'break-all', fontFamily: 'monospace', margin: 0 } as const;

/** An addition of the artifact by the link the API lists for it. */
function useAddition<T>(links: AdditionLinks | undefined, name: string, enabled = true) {
  const href = links?.[name]?.href;
  return useQuery({
    queryKey: ['addition', href],
    queryFn: () => api.get<T>(href as string),
    enabled: enabled && href !== undefined && href.startsWith(`${API}/`),
    staleTime: Infinity,
  });
}

/** The steps the image was built in, each as a layer or a step without one. */
export function BuildHistory({ links }: { links: AdditionLinks }) {
  const { t, i18n } = useTranslation();
  const query = useAddition<HistoryStep[] | null>(links, 'build_history');
  const steps = (query.data ?? []).map((step, index) => ({ ...step, index }));
  const columns: ColumnsType<HistoryStep & { index: number }> = [
    { title: '#', key: 'index', width: 48, render: (_, s) => s.index + 1 },
    { title: t('artifacts:history.created'), key: 'created', width: 200, render: (_, s) => (s.created ? formatDate(s.created, i18n.language) : '—') },
    {
      title: t('artifacts:history.command'),
      key: 'command',
      render: (_, s) => (
        <>
          <Typography.Text style={PRE}>{s.created_by ?? ''}</Typography.Text>
          {s.comment && <Typography.Text type="secondary"> — {s.comment}</Typography.Text>}
        </>
      ),
    },
    { title: t('artifacts:history.layer'), key: 'layer', width: 120, render: (_, s) => (s.empty_layer ? <Tag>{t('artifacts:history.emptyLayer')}</Tag> : <Tag color="blue">{t('artifacts:history.hasLayer')}</Tag>) },
  ];
  return (
    <Card title={t('artifacts:history.title')}>
      <ErrorAlert error={query.error} />
      {query.isLoading && <Card loading variant="borderless" />}
      {query.isSuccess &&
        (steps.length > 0 ? (
          <Table rowKey="index" size="small" pagination={false} dataSource={steps} columns={columns} scroll={{ x: true }} />
        ) : (
          <Empty description={t('artifacts:history.none')} />
        ))}
    </Card>
  );
}

function TextAddition({ links, name, empty }: { links: AdditionLinks; name: string; empty: string }) {
  const query = useAddition<string>(links, name);
  return (
    <>
      <ErrorAlert error={query.error} />
      {query.isLoading && <Card loading variant="borderless" />}
      {query.isSuccess && (query.data ? <pre style={PRE}>{query.data}</pre> : <Empty description={empty} />)}
    </>
  );
}

function Dependencies({ links }: { links: AdditionLinks }) {
  const { t } = useTranslation();
  const query = useAddition<ChartDependency[] | null>(links, 'dependencies');
  const columns: ColumnsType<ChartDependency> = [
    { title: t('artifacts:chart.name'), key: 'name', render: (_, d) => (d.alias ? `${d.name} (${d.alias})` : d.name) },
    { title: t('artifacts:chart.version'), key: 'version', render: (_, d) => d.version ?? '—' },
    { title: t('artifacts:chart.repository'), key: 'repository', render: (_, d) => <Typography.Text style={PRE}>{d.repository}</Typography.Text> },
  ];
  return (
    <>
      <ErrorAlert error={query.error} />
      {query.isLoading && <Card loading variant="borderless" />}
      {query.isSuccess &&
        ((query.data ?? []).length > 0 ? (
          <Table rowKey={(d) => `${d.name}/${d.alias ?? ''}`} size="small" pagination={false} dataSource={query.data ?? []} columns={columns} />
        ) : (
          <Empty description={t('artifacts:chart.noDependencies')} />
        ))}
    </>
  );
}

/** A Helm chart's README, default values and dependencies, each read when its tab is opened. */
export function ChartAdditions({ links }: { links: AdditionLinks }) {
  const { t } = useTranslation();
  const [tab, setTab] = useState('readme.md');
  return (
    <Card title={t('artifacts:chart.title')}>
      <Tabs
        activeKey={tab}
        onChange={setTab}
        destroyOnHidden
        items={[
          { key: 'readme.md', label: t('artifacts:chart.readme'), children: <TextAddition links={links} name="readme.md" empty={t('artifacts:chart.noReadme')} /> },
          { key: 'values.yaml', label: t('artifacts:chart.values'), children: <TextAddition links={links} name="values.yaml" empty={t('artifacts:chart.noValues')} /> },
          { key: 'dependencies', label: t('artifacts:chart.dependencies'), children: <Dependencies links={links} /> },
        ]}
      />
    </Card>
  );
}

/** The artifact's icon (its own or its type's), as the icon API gives it. */
export function ArtifactIcon({ digest, alt }: { digest: string | undefined; alt: string }) {
  const query = useQuery({
    queryKey: ['icon', digest],
    queryFn: () => api.get<{ 'content-type': string; content: string }>(`${API}/icons/${encodeURIComponent(digest as string)}`),
    enabled: Boolean(digest),
    staleTime: Infinity,
  });
  if (!query.data) return null;
  return <img src={`data:${query.data['content-type']};base64,${query.data.content}`} alt={alt} width={28} height={28} style={{ verticalAlign: 'middle' }} />;
}
