import type { StorageDriver } from '../driver';
import { argumentCases } from './argument-cases';
import { blobCases } from './blob-cases';
import { commitCases } from './commit-cases';
import { gcCases } from './gc-cases';
import { sendCases } from './send-cases';
import { streamingCases } from './streaming-cases';
import { uploadCases } from './upload-cases';

/** Makes a driver over fresh, empty storage, and a way to remove that storage afterwards. */
export type DriverFactory = () => Promise<{ driver: StorageDriver; cleanup: () => Promise<void> }>;

/**
 * The StorageDriver contract as one jest suite. Every driver runs it unchanged, so behaviour the
 * registry relies on is pinned down once rather than per driver; a driver's own spec adds only
 * what is specific to its backend. Each test gets its own driver from `makeDriver`.
 */
export function runDriverSuite(name: string, makeDriver: DriverFactory): void {
  describe(`StorageDriver contract: ${name}`, () => {
    let current: Awaited<ReturnType<DriverFactory>> | undefined;

    beforeEach(async () => {
      current = await makeDriver();
    });

    afterEach(async () => {
      const finished = current;
      current = undefined;
      await finished?.cleanup();
    });

    const driver = (): StorageDriver => {
      if (current === undefined) throw new Error('the driver is only available inside a test');
      return current.driver;
    };

    uploadCases(driver);
    commitCases(driver);
    blobCases(driver);
    streamingCases(driver);
    sendCases(driver);
    argumentCases(driver);
    gcCases(driver);
  });
}
