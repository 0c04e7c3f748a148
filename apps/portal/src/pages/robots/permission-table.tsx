import { Button, Checkbox, Space, Table, Typography } from 'antd';
import type { ColumnsType } from 'antd/es/table';
import { useTranslation } from 'react-i18next';
import { accessKey, catalogActions } from './robot-model';

type Catalog = ReadonlyArray<readonly [string, readonly string[]]>;

/**
 * A resource-by-action grid of checkboxes: the cells a robot is granted. Resource and action
 * names are the API's own (what the robot's JSON holds), shown as code.
 */
export function PermissionTable({
  catalog,
  value,
  onChange,
  caption,
  presets,
}: {
  catalog: Catalog;
  value: ReadonlySet<string>;
  onChange: (next: Set<string>) => void;
  caption: string;
  presets?: { label: string; cells: readonly string[] }[];
}) {
  const { t } = useTranslation();
  const actions = catalogActions(catalog);
  const all = catalog.flatMap(([resource, acts]) => acts.map((a) => accessKey(resource, a)));

  const toggle = (key: string, on: boolean) => {
    const next = new Set(value);
    if (on) next.add(key);
    else next.delete(key);
    onChange(next);
  };
  const setRow = (resource: string, acts: readonly string[], on: boolean) => {
    const next = new Set(value);
    for (const a of acts) {
      if (on) next.add(accessKey(resource, a));
      else next.delete(accessKey(resource, a));
    }
    onChange(next);
  };

  const columns: ColumnsType<{ resource: string; actions: readonly string[] }> = [
    {
      title: t('robots:permissions.resource'),
      key: 'resource',
      fixed: 'left',
      render: (_, row) => {
        const checked = row.actions.filter((a) => value.has(accessKey(row.resource, a))).length;
        return (
          <Checkbox
            checked={checked === row.actions.length}
            indeterminate={checked > 0 && checked < row.actions.length}
            onChange={(e) => setRow(row.resource, row.actions, e.target.checked)}
            aria-label={t('robots:permissions.row', { resource: row.resource })}
          >
            <Typography.Text code>{row.resource}</Typography.Text>
          </Checkbox>
        );
      },
    },
    ...actions.map((action) => ({
      title: action,
      key: action,
      align: 'center' as const,
      render: (_: unknown, row: { resource: string; actions: readonly string[] }) =>
        row.actions.includes(action) ? (
          <Checkbox
            checked={value.has(accessKey(row.resource, action))}
            onChange={(e) => toggle(accessKey(row.resource, action), e.target.checked)}
            aria-label={t('robots:permissions.cell', { resource: row.resource, action })}
          />
        ) : null,
    })),
  ];

  return (
    <div>
      <Space wrap style={{ marginBottom: 8 }}>
        <Typography.Text strong>{caption}</Typography.Text>
        <Typography.Text type="secondary">{t('robots:permissions.count', { count: value.size })}</Typography.Text>
        {presets?.map((p) => (
          <Button key={p.label} size="small" onClick={() => onChange(new Set(p.cells))}>
            {p.label}
          </Button>
        ))}
        <Button size="small" onClick={() => onChange(new Set(all))}>
          {t('robots:permissions.selectAll')}
        </Button>
        <Button size="small" onClick={() => onChange(new Set())}>
          {t('robots:permissions.clear')}
        </Button>
      </Space>
      <Table
        rowKey="resource"
        size="small"
        columns={columns}
        dataSource={catalog.map(([resource, acts]) => ({ resource, actions: acts }))}
        pagination={false}
        scroll={{ x: 'max-content', y: 320 }}
      />
    </div>
  );
}
