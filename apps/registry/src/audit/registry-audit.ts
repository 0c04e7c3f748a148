import { Inject, Injectable, Logger, OnApplicationShutdown } from '@nestjs/common';
import { AuditTrail } from '@wharf/db/plain';
import { OutageLogs } from '@wharf/outage';
import type { FastifyRequest } from 'fastify';
import { REGISTRY_AUTHORIZER, RegistryAuthorizer } from '../auth/access';
import { AuditBuffer } from './audit-buffer';
import { AUDIT_CONFIG, RegistryAuditConfig } from './audit-config';
import { auditEvent, RegistryAuditOperation } from './audit-event';
import { AuditLogWriter } from './audit-log.writer';

/**
 * The data plane's side of Harbor's audit log: manifest pushes (`create`), pulls (`pull`) and
 * deletions (`delete`), recorded after the request succeeded and written in batches. With
 * `REGISTRY_AUDIT=false` it records nothing and holds no timer.
 */
@Injectable()
export class RegistryAudit implements OnApplicationShutdown {
  private readonly buffer: AuditBuffer | undefined;

  constructor(
    @Inject(AUDIT_CONFIG) config: RegistryAuditConfig,
    @Inject(REGISTRY_AUTHORIZER) private readonly authorizer: RegistryAuthorizer,
    writer: AuditLogWriter,
    outages: OutageLogs,
    private readonly trail: AuditTrail,
  ) {
    if (config.enabled) {
      this.buffer = new AuditBuffer((events) => writer.write(events), config, new Logger('audit'), outages.database);
      this.buffer.start();
    }
  }

  get enabled(): boolean {
    return this.buffer !== undefined;
  }

  /** Records one successful manifest request of `request`'s caller. Never waits for the database. */
  record(request: FastifyRequest, operation: RegistryAuditOperation, repository: string, reference: string, digest?: string): void {
    if (!this.buffer) return;
    // The caller the access guard verified for this request: nothing is parsed twice.
    this.buffer.add(auditEvent(operation, repository, reference, this.authorizer.callerName(request), request.ip || null, new Date(), digest));
  }

  /** Writes what is buffered now (tests, and callers that must see their rows). */
  flush(): Promise<void> {
    return this.buffer?.flush() ?? Promise.resolve();
  }

  /**
   * After the HTTP server has closed (Nest's last hook, unlike onModuleDestroy), so requests that
   * finish during a graceful stop are written too; the database pool is closed after this.
   */
  async onApplicationShutdown(): Promise<void> {
    await this.buffer?.close();
    this.trail.close();
  }
}
