import { useQueryClient } from '@tanstack/react-query';
import { App } from 'antd';
import { useTranslation } from 'react-i18next';
import { errorMessage } from '../components/error-alert';

export interface ConfirmedAction {
  title: string;
  text: string;
  okText: string;
  /** Said when the call succeeded. */
  done: string;
  /** The heading of the API's refusal, shown with its message. */
  refused: string;
  call: () => Promise<unknown>;
  /** The lists the call changes, read again afterwards. */
  invalidates: readonly unknown[];
  danger?: boolean;
}

/**
 * Asks before a call that changes something (delete, stop), then says it was done or shows the
 * API's refusal, and reads the lists it changed again.
 */
export function useConfirmedAction(): (action: ConfirmedAction) => void {
  const { t } = useTranslation();
  const { modal, message } = App.useApp();
  const client = useQueryClient();
  return (action) => {
    modal.confirm({
      title: action.title,
      content: action.text,
      okText: action.okText,
      okButtonProps: { danger: action.danger ?? true },
      cancelText: t('common:cancel'),
      onOk: async () => {
        try {
          await action.call();
          void message.success(action.done);
          await client.invalidateQueries({ queryKey: action.invalidates });
        } catch (err) {
          modal.error({ title: action.refused, content: errorMessage(err) });
        }
      },
    });
  };
}
