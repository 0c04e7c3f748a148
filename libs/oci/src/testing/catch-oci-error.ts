import { OciError } from '../errors';

/**
 * Runs `fn` and returns the OciError it throws, so a test can assert code and message together.
 * Any other outcome (no throw, a different error type) fails the test.
 */
export function catchOciError(fn: () => unknown): OciError {
  try {
    fn();
  } catch (err) {
    if (err instanceof OciError) return err;
    throw err;
  }
  throw new Error('expected an OciError, but nothing was thrown');
}
