import type { Checker } from './checker';
import { HARBOR_DEFAULTS, type HarborConfig } from './harbor-config';

const EXTERNAL_DRIVERS = ['s3', 'azure', 'gcs', 'swift', 'oss'] as const;

/** data_volume and storage_service: where Wharf keeps its data on this machine. */
export function checkStorage(c: Checker): Partial<Pick<HarborConfig, 'data_volume' | 'storage_service'>> {
  let data_volume = c.absolutePath(['data_volume'], 'the directory for all of Wharf’s data');
  if (data_volume === '/') {
    c.problem(['data_volume'], 'must not be the root directory; use a directory of its own such as /data');
    data_volume = undefined;
  } else if (data_volume === undefined && c.value(['data_volume']) === undefined) {
    data_volume = HARBOR_DEFAULTS.dataVolume;
  }

  const storage_service: HarborConfig['storage_service'] = { filesystem: {} };
  if (c.section(['storage_service'])) {
    for (const driver of EXTERNAL_DRIVERS) {
      if (c.value(['storage_service', driver]) !== undefined) {
        c.problem(['storage_service', driver], `the ${driver} storage driver is not supported yet; only filesystem is`, 'key');
      }
    }
    if (c.section(['storage_service', 'filesystem'])) {
      const rootdirectory = c.absolutePath(['storage_service', 'filesystem', 'rootdirectory'], 'the directory that holds the blobs');
      if (rootdirectory !== undefined) storage_service.filesystem.rootdirectory = rootdirectory;
    }
  }
  return { data_volume, storage_service };
}
