import { PlusOutlined } from '@ant-design/icons';
import { useQueryClient } from '@tanstack/react-query';
import { Button, Result } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useSession } from '../../auth/session';
import { PageHeader } from '../../components/page-header';
import { CreateRobotDialog } from './create-robot-dialog';
import { RobotsTable } from './robots-table';
import { SecretDialog, type ShownSecret } from './secret-dialog';

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
      <CreateRobotDialog
        open={creating}
        onClose={() => setCreating(false)}
        onCreated={(created) => {
          setShown({ name: created.name, secret: created.secret, reason: 'created' });
          void client.invalidateQueries({ queryKey: ['robots', 'system'] });
        }}
      />
      <SecretDialog shown={shown} onClose={() => setShown(null)} />
    </>
  );
}
