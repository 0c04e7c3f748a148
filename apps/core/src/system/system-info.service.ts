import { access as fileAccess, readFile } from 'node:fs/promises';
import { Inject, Injectable } from '@nestjs/common';
import type { Access } from '@wharf/auth';
import { requireAuthenticated } from '../auth/authorize';
import type { CoreConfig } from '../config';
import { forbidden, notFound } from '../http/harbor-error';
import { CORE_CONFIG } from '../infra/tokens';
import { VolumeCapacity, volumeCapacity } from './volume';

/** Harbor's SystemInfo (GET /systeminfo/volumes). */
export interface SystemVolumes {
  storage: VolumeCapacity[];
}

function isMissing(err: unknown): boolean {
  const code = (err as NodeJS.ErrnoException).code;
  return code === 'ENOENT' || code === 'ENOTDIR';
}

/** The parts of /systeminfo that read the machine: the storage volume and the root certificate. */
@Injectable()
export class SystemInfoService {
  constructor(@Inject(CORE_CONFIG) private readonly config: CoreConfig) {}

  /** The registry's storage volume, for Harbor's system-volumes:read (system administrators, robots granted it). */
  async volumes(access: Access): Promise<SystemVolumes> {
    requireAuthenticated(access);
    if (!access.canSystem('system-volumes', 'read')) throw forbidden('not allowed to read the system volumes');
    const dir = this.config.storageDir;
    if (!dir) throw notFound('the storage volume is not known to this server (REGISTRY_STORAGE_DIR is not set)');
    try {
      return { storage: [await volumeCapacity(dir)] };
    } catch (err) {
      if (isMissing(err)) throw notFound('the storage directory does not exist');
      throw err;
    }
  }

  /** The root certificate's bytes; 404 when there is none. Anyone may download it, as in Harbor. */
  async rootCertificate(): Promise<Buffer> {
    try {
      return await readFile(this.config.caCertFile);
    } catch (err) {
      if (isMissing(err)) throw notFound('no root certificate to download');
      throw err;
    }
  }

  /** Harbor's has_ca_root: a certificate to download, and clients reaching the server over TLS. */
  async hasCaRoot(): Promise<boolean> {
    if (!this.config.externalUrl.startsWith('https://')) return false;
    return fileAccess(this.config.caCertFile).then(
      () => true,
      () => false,
    );
  }
}
