import { CodeOutlined, DownOutlined } from '@ant-design/icons';
import { Button, Dropdown, type MenuProps } from 'antd';
import { useTranslation } from 'react-i18next';
import { useCopy } from '../../components/copy-button';
import { type PullClient, pullCommand, registryHost } from '../../lib/pull-command';

const CLIENTS: PullClient[] = ['docker', 'podman'];

/**
 * A menu of pull commands to copy, for docker and podman, by digest and by each tag given. The
 * registry is the host this console is served from, as Harbor's portal does it.
 */
export function PullCommands({ repository, digest, tags = [], label }: { repository: string; digest: string; tags?: string[]; label: string }) {
  const { t } = useTranslation();
  const copy = useCopy();
  const host = registryHost(window.location.host);
  const references = [...tags.map((tag) => ({ ref: tag, tag: true })), { ref: digest, tag: false }];
  const commands = new Map<string, string>();
  const items: MenuProps['items'] = [];
  for (const client of CLIENTS) {
    const children: NonNullable<MenuProps['items']> = [];
    for (const { ref, tag } of references) {
      let command: string;
      try {
        command = pullCommand(client, host, repository, ref);
      } catch {
        continue;
      }
      const key = `${client}:${ref}`;
      commands.set(key, command);
      children.push({
        key,
        label: tag ? t('artifacts:pull.byTag', { client, tag: ref }) : t('artifacts:pull.byDigest', { client }),
        title: command,
      });
    }
    items.push({ type: 'group', key: client, label: client, children });
  }
  return (
    <Dropdown
      trigger={['click']}
      menu={{
        items,
        onClick: ({ key }) => {
          const command = commands.get(key);
          if (command) void copy(command);
        },
      }}
    >
      <Button size="small" icon={<CodeOutlined />} aria-label={label}>
        <DownOutlined />
      </Button>
    </Dropdown>
  );
}
