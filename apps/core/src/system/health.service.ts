import { Inject, Injectable } from '@nestjs/common';
import type { Sql } from '@wharf/db';
import type Redis from 'ioredis';
import type { CoreConfig } from '../config';
import { CORE_CONFIG, REDIS, SQL } from '../infra/tokens';

export interface ComponentHealth {
  name: string;
  status: 'healthy' | 'unhealthy';
  error?: string;
}

export interface OverallHealth {
  status: 'healthy' | 'unhealthy';
  components: ComponentHealth[];
}

const CHECK_TIMEOUT_MS = 2000;

async function check(name: string, probe: () => Promise<unknown>): Promise<ComponentHealth> {
  let timer: NodeJS.Timeout | undefined;
  try {
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`no answer within ${CHECK_TIMEOUT_MS} ms`)), CHECK_TIMEOUT_MS);
    });
    await Promise.race([probe(), timeout]);
    return { name, status: 'healthy' };
  } catch (err) {
    return { name, status: 'unhealthy', error: (err as Error).message };
  } finally {
    clearTimeout(timer);
  }
}

/** The registry's own health answer (its /healthz). */
interface RegistryHealth {
  components?: { name: string; status: string; error?: string }[];
}

/**
 * Harbor's /health: this process and the services it depends on, each checked live; with
 * REGISTRY_URL, also the registry and its storage (unhealthy while free space is below the
 * registry's reserve and uploads are refused).
 */
@Injectable()
export class HealthService {
  constructor(
    @Inject(SQL) private readonly sql: Sql,
    @Inject(REDIS) private readonly redis: Redis,
    @Inject(CORE_CONFIG) private readonly config: CoreConfig,
  ) {}

  async health(): Promise<OverallHealth> {
    const components = [
      { name: 'core', status: 'healthy' } as ComponentHealth,
      ...(await Promise.all([check('database', () => this.sql.query('SELECT 1', [], 'core_health')), check('redis', () => this.redis.ping())])),
      ...(await this.registry()),
    ];
    return { status: components.every((c) => c.status === 'healthy') ? 'healthy' : 'unhealthy', components };
  }

  private async registry(): Promise<ComponentHealth[]> {
    const base = this.config.registryUrl;
    if (base === undefined) return [];
    let answer: RegistryHealth | undefined;
    const registry = await check('registry', async () => {
      const res = await fetch(`${base}/healthz`, { signal: AbortSignal.timeout(CHECK_TIMEOUT_MS) });
      answer = (await res.json().catch(() => undefined)) as RegistryHealth | undefined;
      if (!res.ok) throw new Error(answer?.components?.find((c) => c.status !== 'healthy')?.error ?? `the registry answered ${res.status}`);
    });
    const storage = answer?.components?.find((c) => c.name === 'storage');
    if (!storage) return [registry];
    const status = storage.status === 'healthy' ? 'healthy' : 'unhealthy';
    return [registry, { name: 'storage', status, ...(status === 'unhealthy' && storage.error ? { error: storage.error } : {}) }];
  }
}
