import type { Provider } from '@nestjs/common';
import { AUDIT_CONFIG, RegistryAuditConfig } from './audit-config';
import { AuditLogWriter } from './audit-log.writer';
import { RegistryAudit } from './registry-audit';

/** The audit feature's providers; `RegistryAudit` is always injectable and a no-op when disabled. */
export function auditProviders(config: RegistryAuditConfig): Provider[] {
  return [{ provide: AUDIT_CONFIG, useValue: config }, AuditLogWriter, RegistryAudit];
}
