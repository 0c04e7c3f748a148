import { useTranslation } from 'react-i18next';

/** Harbor's project roles by id (1 admin, 2 developer, 3 guest, 4 maintainer, 5 limited guest). */
export function RoleName({ id }: { id: number | undefined }) {
  const { t } = useTranslation();
  switch (id) {
    case 1:
      return <>{t('common:role.projectAdmin')}</>;
    case 2:
      return <>{t('common:role.developer')}</>;
    case 3:
      return <>{t('common:role.guest')}</>;
    case 4:
      return <>{t('common:role.maintainer')}</>;
    case 5:
      return <>{t('common:role.limitedGuest')}</>;
    default:
      return <>—</>;
  }
}
