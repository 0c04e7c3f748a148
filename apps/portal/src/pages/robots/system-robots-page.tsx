import { PlusOutlined } from '@ant-design/icons';
import { useQueryClient } from '@tanstack/react-query';
import { Button, Result } from 'antd';
import { lazy, Suspense, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useSession } from '../../auth/session';
import { PageHeader } from '../../components/page-header';
import { RobotsTable } from './robots-table';
import { type ShownSecret } from './secret-dialog';
const SecretDialog = lazy(() => import('./secret-dialog').then((m) => ({ default: m.SecretDialog })));

// Dialogs load when opened: a list page renders without their code.
const CreateRobotDialog = lazy(() => import('./create-robot-dialog').then((m) => ({ default: m.CreateRobotDialog })));

/** Administration → Robot Accounts: the system robots (Level=system), for administrators. */
export default function SystemRobotsPage() {
  const { t } = useTranslation();
  const { user } = useSession();
  const client = useQueryClient();
  const [creating, setCreating] = useState(false);
  const [shown, setShown] = useState<ShownSecret | null>(null);

  if (!user?.sysadmin_flag) return <Result status="403" title={t('robots:adminOnly')} />;
  return (
    <>
      <PageHeader
        title={t('robots:systemTitle')}
        extra={
          <Button type="primary" icon={<PlusOutlined />} onClick={() => setCreating(true)}>
            {t('robots:create.button')}
          </Button>
        }
      />
      <RobotsTable canUpdate canDelete onSecret={setShown} />
      {creating && (
        <Suspense fallback={null}>
          <CreateRobotDialog
            open
            onClose={() => setCreating(false)}
            onCreated={(created) => {
              setShown({ name: created.name, secret: created.secret, reason: 'created' });
              void client.invalidateQueries({ queryKey: ['robots', 'system'] });
            }}
          />
        </Suspense>
      )}
      {shown && <Suspense fallback={null}><SecretDialog shown={shown} onClose={() => setShown(null)} /></Suspense>}
    </>
  );
}
