import { useTranslation } from 'react-i18next';
import { PageHeader } from '../../components/page-header';
import { LabelsTable } from './labels-table';

/** Administration → Labels: the global labels, which every project's artifacts can carry. */
export default function GlobalLabelsPage() {
  const { t } = useTranslation();
  return (
    <>
      <PageHeader title={t('labels:globalTitle')}>
        <p style={{ marginBottom: 0 }}>{t('labels:globalIntro')}</p>
      </PageHeader>
      <LabelsTable scope={{ kind: 'g' }} canCreate canUpdate canDelete />
    </>
  );
}
