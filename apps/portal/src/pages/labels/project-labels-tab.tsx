import { useProjectPermissions } from '../../auth/project-permissions';
import { useProject } from '../project/use-project';
import { LabelsTable } from './labels-table';

/** A project's Labels tab: its own labels (the global ones are managed under Administration). */
export default function ProjectLabelsTab() {
  const project = useProject();
  const permissions = useProjectPermissions(project.project_id);
  return (
    <LabelsTable
      scope={{ kind: 'p', projectId: project.project_id }}
      canCreate={permissions.can('label', 'create')}
      canUpdate={permissions.can('label', 'update')}
      canDelete={permissions.can('label', 'delete')}
      readOnly={permissions.loaded && !permissions.can('label', 'create')}
    />
  );
}
