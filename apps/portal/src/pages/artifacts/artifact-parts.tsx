import { LockOutlined } from '@ant-design/icons';
import { Space, Table, Tag, Tooltip, Typography } from 'antd';
import type { ColumnsType } from 'antd/es/table';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import type { Accessory, Reference, Tag as ArtifactTag } from '../../api/registry-types';
import { formatBytes, formatDate, shortDigest } from '../../lib/format';
import { artifactHref, platformLabel } from './artifact-helpers';
import { PullCommands } from './pull-commands';

/** The tags of an artifact as small tags; an immutable one carries a lock mark. */
export function TagList({ tags, max = 3 }: { tags: ArtifactTag[] | undefined; max?: number }) {
  const { t } = useTranslation();
  if (!tags || tags.length === 0) return <Typography.Text type="secondary">{t('artifacts:noTags')}</Typography.Text>;
  const shown = tags.slice(0, max);
  const rest = tags.slice(max);
  return (
    <Space size={[4, 4]} wrap>
      {shown.map((tag) => (
        <Tag key={tag.id} icon={tag.immutable ? <LockOutlined /> : undefined} title={tag.immutable ? t('artifacts:immutable') : undefined}>
          {tag.name}
          {tag.immutable ? ` (${t('artifacts:immutable')})` : ''}
        </Tag>
      ))}
      {rest.length > 0 && (
        <Tooltip title={rest.map((tag) => tag.name).join(', ')}>
          <Tag>{t('artifacts:moreTags', { count: rest.length })}</Tag>
        </Tooltip>
      )}
    </Space>
  );
}

/** Harbor's accessory types as words. */
export function AccessoryType({ type }: { type: string }) {
  const { t } = useTranslation();
  switch (type) {
    case 'signature.cosign':
      return <>{t('artifacts:accessory.cosign')}</>;
    case 'signature.notation':
      return <>{t('artifacts:accessory.notation')}</>;
    case 'harbor.sbom':
      return <>{t('artifacts:accessory.sbom')}</>;
    case 'subject.accessory':
      return <>{t('artifacts:accessory.generic')}</>;
    default:
      return <>{type}</>;
  }
}

/** The children of an index: platform, digest (a link to its page), pull commands by digest. */
export function IndexChildren({ projectId, repository, fullName, references }: { projectId: number; repository: string; fullName: string; references: Reference[] }) {
  const { t } = useTranslation();
  const columns: ColumnsType<Reference> = [
    {
      title: t('artifacts:child.platform'),
      key: 'platform',
      render: (_, r) => platformLabel(r.platform) || <Typography.Text type="secondary">{t('artifacts:child.noPlatform')}</Typography.Text>,
    },
    {
      title: t('artifacts:column.digest'),
      key: 'digest',
      render: (_, r) => (
        <Link to={artifactHref(projectId, repository, r.child_digest)} state={{ platform: r.platform }} title={r.child_digest} style={{ fontFamily: 'monospace' }}>
          {shortDigest(r.child_digest)}
        </Link>
      ),
    },
    {
      title: t('artifacts:pull.column'),
      key: 'pull',
      render: (_, r) => <PullCommands repository={fullName} digest={r.child_digest} label={t('artifacts:pull.menu', { digest: shortDigest(r.child_digest) })} />,
    },
  ];
  return <Table<Reference> rowKey="child_digest" size="small" columns={columns} dataSource={references} pagination={false} />;
}

/** Signatures, SBOMs and other referrers of an artifact, as the API reports them. */
export function AccessoryTable({ projectId, repository, accessories }: { projectId: number; repository: string; accessories: Accessory[] }) {
  const { t, i18n } = useTranslation();
  const columns: ColumnsType<Accessory> = [
    { title: t('artifacts:accessory.type'), key: 'type', render: (_, a) => <AccessoryType type={a.type} /> },
    {
      title: t('artifacts:column.digest'),
      key: 'digest',
      render: (_, a) => (
        <Link to={artifactHref(projectId, repository, a.digest)} title={a.digest} style={{ fontFamily: 'monospace' }}>
          {shortDigest(a.digest)}
        </Link>
      ),
    },
    { title: t('artifacts:column.size'), key: 'size', render: (_, a) => formatBytes(a.size, i18n.language) },
    { title: t('artifacts:accessory.created'), key: 'created', render: (_, a) => formatDate(a.creation_time, i18n.language) },
  ];
  return <Table<Accessory> rowKey="id" size="small" columns={columns} dataSource={accessories} pagination={false} />;
}
