import { PlusOutlined } from '@ant-design/icons';
import { useQueryClient } from '@tanstack/react-query';
import { Button, Typography } from 'antd';
import { lazy, Suspense, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useProjectPermissions } from '../../auth/project-permissions';
import { useProject } from '../project/use-project';
import { RobotsTable } from './robots-table';
import { type ShownSecret } from './secret-dialog';
const SecretDialog = lazy(() => import('./secret-dialog').then((m) => ({ default: m.SecretDialog })));

// Dialogs load when opened: a list page renders without their code.
const CreateRobotDialog = lazy(() => import('./create-robot-dialog').then((m) => ({ default: m.CreateRobotDialog })));

/** A project's robot accounts (the `robot-accounts` tab). */
export default function ProjectRobotsTab() {
  const { t } = useTranslation();
  const project = useProject();
  const client = useQueryClient();
  const permissions = useProjectPermissions(project.project_id);
  const [creating, setCreating] = useState(false);
  const [shown, setShown] = useState<ShownSecret | null>(null);

  return (
    <section aria-labelledby="robots-heading">
      <Typography.Title level={3} id="robots-heading" style={{ fontSize: 18 }}>
        {t('robots:projectTitle')}
      </Typography.Title>
      <RobotsTable
        projectId={project.project_id}
        canUpdate={permissions.can('robot', 'update')}
        canDelete={permissions.can('robot', 'delete')}
        onSecret={setShown}
        toolbar={
          permissions.can('robot', 'create') && (
            <Button type="primary" icon={<PlusOutlined />} onClick={() => setCreating(true)}>
              {t('robots:create.button')}
            </Button>
          )
        }
      />
      {creating && (
        <Suspense fallback={null}>
          <CreateRobotDialog
            open
            project={project}
            onClose={() => setCreating(false)}
            onCreated={(created) => {
              setShown({ name: created.name, secret: created.secret, reason: 'created' });
              void client.invalidateQueries({ queryKey: ['robots', project.project_id] });
            }}
          />
        </Suspense>
      )}
      {shown && <Suspense fallback={null}><SecretDialog shown={shown} onClose={() => setShown(null)} /></Suspense>}
    </section>
  );
}
