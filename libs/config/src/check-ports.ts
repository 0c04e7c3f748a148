import type { Checker } from './checker';
import type { HarborConfig } from './harbor-config';

interface PortUse {
  key: string[];
  port: number;
  /** Written in the file, as opposed to a default. */
  explicit: boolean;
}

/**
 * Every port Wharf listens on must differ: the gateway's (on all addresses) and core's and the
 * registry's (on 127.0.0.1) would collide on the loopback address. A clash is reported on the
 * key the operator wrote, since a default cannot be the one to change.
 */
export function checkPortClashes(c: Checker, config: Partial<HarborConfig>): void {
  const uses: PortUse[] = [];
  const use = (key: string[], port: number | undefined) => {
    if (port !== undefined) uses.push({ key, port, explicit: c.value(key) !== undefined });
  };
  use(['http', 'port'], config.http?.port);
  use(['https', 'port'], config.https?.port);
  if (config.metric?.enabled) use(['metric', 'port'], config.metric.port);
  use(['wharf', 'core_port'], config.wharf?.core_port);
  use(['wharf', 'registry_port'], config.wharf?.registry_port);

  for (let j = 1; j < uses.length; j++) {
    for (let i = 0; i < j; i++) {
      if (uses[i].port !== uses[j].port) continue;
      const [blamed, other] = !uses[j].explicit && uses[i].explicit ? [uses[i], uses[j]] : [uses[j], uses[i]];
      const otherName = other.key.join('.') + (other.explicit ? '' : ' (by default)');
      c.problem(blamed.key, `port ${blamed.port} is also used by ${otherName}; each port must be different`);
      break;
    }
  }
}
