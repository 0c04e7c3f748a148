import { Inject, Injectable } from '@nestjs/common';
import type { Sql } from '@wharf/db';
import type Redis from 'ioredis';
import { REDIS, SQL } from '../infra/tokens';

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

/** Harbor's /health: this process and the services it depends on, each checked live. */
@Injectable()
export class HealthService {
  constructor(
    @Inject(SQL) private readonly sql: Sql,
    @Inject(REDIS) private readonly redis: Redis,
  ) {}

  async health(): Promise<OverallHealth> {
    const components = [
      { name: 'core', status: 'healthy' } as ComponentHealth,
      ...(await Promise.all([check('database', () => this.sql.query('SELECT 1', [], 'core_health')), check('redis', () => this.redis.ping())])),
    ];
    return { status: components.every((c) => c.status === 'healthy') ? 'healthy' : 'unhealthy', components };
  }
}
