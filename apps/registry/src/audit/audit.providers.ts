import { Logger, type Provider } from '@nestjs/common';
import { AuditTrail, type Sql } from '@wharf/db/plain';
import { AuditLogSettingsSource } from '@wharf/identity';
import { openSyslogForwarder } from '@wharf/outage';
import { SQL } from '../infra/tokens';
import { AUDIT_CONFIG, RegistryAuditConfig } from './audit-config';
import { AuditLogWriter } from './audit-log.writer';
import { RegistryAudit } from './registry-audit';

/** The audit feature's providers; `RegistryAudit` is always injectable and a no-op when disabled. */
export function auditProviders(config: RegistryAuditConfig): Provider[] {
  return [
    { provide: AUDIT_CONFIG, useValue: config },
    {
      provide: AuditTrail,
      useFactory: (sql: Sql) => {
        const logger = new Logger('audit');
        return new AuditTrail(new AuditLogSettingsSource(sql), (endpoint) => openSyslogForwarder(endpoint, logger), logger);
      },
      inject: [SQL],
    },
    AuditLogWriter,
    RegistryAudit,
  ];
}
