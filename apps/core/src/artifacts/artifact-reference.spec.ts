import { HarborError } from '../http/harbor-error';
import { artifactReference, describeReference } from './artifact-reference';

const DIGEST = `sha256:${'a'.repeat(64)}`;

describe('artifactReference', () => {
  it('tells digests from tags', () => {
    expect(artifactReference(DIGEST)).toEqual({ kind: 'digest', digest: DIGEST });
    expect(artifactReference('v1.0_rc-2')).toEqual({ kind: 'tag', tag: 'v1.0_rc-2' });
    expect(describeReference('team/app', artifactReference(DIGEST))).toBe(`team/app@${DIGEST}`);
    expect(describeReference('team/app', artifactReference('latest'))).toBe('team/app:latest');
  });

  it('refuses what is neither with 400', () => {
    for (const bad of ['sha256:abc', 'md5:' + 'a'.repeat(32), '-tag', '.hidden', 't'.repeat(129), 'a b', '']) {
      let caught: unknown;
      try {
        artifactReference(bad);
      } catch (err) {
        caught = err;
      }
      expect(caught).toBeInstanceOf(HarborError);
      expect((caught as HarborError).code).toBe('BAD_REQUEST');
    }
  });
});
