import { useQuery, useQueryClient } from '@tanstack/react-query';
import { App, Checkbox, Empty, Modal, Space, Spin, Typography } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { API, api, repoPath } from '../../api/client';
import type { Artifact, Label } from '../../api/registry-types';
import { ErrorAlert, errorMessage } from '../../components/error-alert';
import { shortDigest } from '../../lib/format';
import { LabelChip } from '../labels/label-chip';

interface Props {
  projectId: number;
  projectName: string;
  /** The repository's name inside the project. */
  repository: string;
  artifact: Artifact;
  onClose: () => void;
}

/** The most labels one list offers; Harbor's own picker shows a first page too. */
const PICK_LIMIT = 100;

/**
 * Adds and removes an artifact's labels (POST .../labels, DELETE .../labels/{id}): the global
 * labels and the project's, each a checkbox that takes effect at once.
 */
export function ArtifactLabelsDialog({ projectId, projectName, repository, artifact, onClose }: Props) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const client = useQueryClient();
  const [pending, setPending] = useState<number | null>(null);
  const [error, setError] = useState<unknown>(null);
  // Shown at once when a box is ticked, taken back if the API refuses; the list is the truth after.
  const [attached, setAttached] = useState(() => new Set((artifact.labels ?? []).map((l) => l.id)));
  const mark = (id: number, on: boolean) =>
    setAttached((s) => {
      const next = new Set(s);
      if (on) next.add(id);
      else next.delete(id);
      return next;
    });
  const path = `${API}/projects/${encodeURIComponent(projectName)}/repositories/${repoPath(repository)}/artifacts/${artifact.digest}/labels`;

  const global = useQuery({
    queryKey: ['labels', 'g', 0, 'pick'],
    queryFn: () => api.list<Label>(`${API}/labels`, { query: { scope: 'g', page_size: PICK_LIMIT, sort: 'name' } }),
  });
  const own = useQuery({
    queryKey: ['labels', 'p', projectId, 'pick'],
    queryFn: () => api.list<Label>(`${API}/labels`, { query: { scope: 'p', project_id: projectId, page_size: PICK_LIMIT, sort: 'name' } }),
  });

  const toggle = async (label: Label, on: boolean) => {
    setPending(label.id);
    setError(null);
    mark(label.id, on);
    try {
      if (on) await api.post(path, { id: label.id });
      else await api.delete(`${path}/${label.id}`);
      void message.success(on ? t('labels:artifact.added', { name: label.name }) : t('labels:artifact.removed', { name: label.name }));
      await client.invalidateQueries({ queryKey: ['artifacts', projectName, repository] });
    } catch (err) {
      mark(label.id, !on);
      setError(new Error(`${label.name}: ${errorMessage(err)}`));
    } finally {
      setPending(null);
    }
  };

  const group = (title: string, labels: Label[] | undefined, loading: boolean) => (
    <section aria-label={title}>
      <Typography.Title level={5} style={{ fontSize: 14 }}>
        {title}
      </Typography.Title>
      {loading ? (
        <Spin size="small" />
      ) : labels && labels.length > 0 ? (
        <Space orientation="vertical" size={4}>
          {labels.map((label) => (
            <Checkbox
              key={label.id}
              checked={attached.has(label.id)}
              disabled={pending !== null}
              onChange={(e) => void toggle(label, e.target.checked)}
              aria-label={t('labels:artifact.toggle', { name: label.name })}
            >
              <LabelChip label={label} />
              {pending === label.id && <Spin size="small" />}
            </Checkbox>
          ))}
        </Space>
      ) : (
        <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('labels:artifact.none')} />
      )}
    </section>
  );

  return (
    <Modal open title={t('labels:artifact.title', { digest: shortDigest(artifact.digest) })} footer={null} onCancel={onClose} destroyOnHidden>
      <ErrorAlert error={error} title={t('labels:artifact.refused')} />
      <ErrorAlert error={global.error ?? own.error} />
      <Space orientation="vertical" size={16} style={{ width: '100%' }}>
        {group(t('labels:artifact.global'), global.data?.items, global.isLoading)}
        {group(t('labels:artifact.project'), own.data?.items, own.isLoading)}
      </Space>
    </Modal>
  );
}
