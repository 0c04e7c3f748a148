import { useTranslation } from 'react-i18next';

/** The operations and resource types the API records (apps/core/src/audit/audit.service.ts). */
export const AUDIT_OPERATIONS = ['create', 'update', 'delete', 'pull', 'push', 'login', 'logout'] as const;
export const AUDIT_RESOURCE_TYPES = ['user', 'project', 'project_member', 'robot', 'artifact', 'repository', 'tag'] as const;
/** The extended log's resource types: Harbor's names (a project member is `member`), and configuration changes. */
export const AUDIT_EXT_RESOURCE_TYPES = ['user', 'project', 'member', 'robot', 'artifact', 'repository', 'tag', 'configuration'] as const;

/** An operation in the reader's language; one the console does not know is shown as recorded. */
export function useOperationLabel(): (operation: string) => string {
  const { t } = useTranslation();
  return (operation) => {
    switch (operation) {
      case 'create':
        return t('logs:operation.create');
      case 'update':
        return t('logs:operation.update');
      case 'delete':
        return t('logs:operation.delete');
      case 'pull':
        return t('logs:operation.pull');
      case 'push':
        return t('logs:operation.push');
      case 'login':
        return t('logs:operation.login');
      case 'logout':
        return t('logs:operation.logout');
      default:
        return operation;
    }
  };
}

/** A resource type in the reader's language; an unknown one as recorded. */
export function useResourceTypeLabel(): (type: string) => string {
  const { t } = useTranslation();
  return (type) => {
    switch (type) {
      case 'user':
        return t('logs:resourceType.user');
      case 'project':
        return t('logs:resourceType.project');
      case 'project_member':
      case 'member':
        return t('logs:resourceType.project_member');
      case 'configuration':
        return t('logs:resourceType.configuration');
      case 'robot':
        return t('logs:resourceType.robot');
      case 'artifact':
        return t('logs:resourceType.artifact');
      case 'repository':
        return t('logs:resourceType.repository');
      case 'tag':
        return t('logs:resourceType.tag');
      default:
        return type;
    }
  };
}
