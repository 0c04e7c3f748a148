import { classifyUploadId, signUploadId } from './upload-ids';

describe('upload session ids', () => {
  const key = Buffer.alloc(32, 7);
  const now = Date.UTC(2026, 11, 4, 12, 0, 0);
  const day = 86_400_000;

  it('are 52 hex digits that classify as signed for the repository they were issued for', () => {
    const id = signUploadId(key, 'team/app', now);
    expect(id).toMatch(/^[0-9a-f]{52}$/);
    expect(classifyUploadId(key, 'team/app', id, now + 1000, day)).toBe('signed');
  });

  it('differ from call to call within the same millisecond', () => {
    expect(signUploadId(key, 'team/app', now)).not.toBe(signUploadId(key, 'team/app', now));
  });

  it('name no session of another repository, nor under another key', () => {
    const id = signUploadId(key, 'team/app', now);
    expect(classifyUploadId(key, 'team/other', id, now, day)).toEqual({ invalid: 'not issued for this repository' });
    expect(classifyUploadId(Buffer.alloc(32, 8), 'team/app', id, now, day)).toEqual({ invalid: 'not issued for this repository' });
  });

  it('are refused when any digit is changed', () => {
    const id = signUploadId(key, 'team/app', now);
    for (const at of [0, 11, 12, 27, 28, 51]) {
      const flipped = id.slice(0, at) + (id[at] === '0' ? '1' : '0') + id.slice(at + 1);
      expect(classifyUploadId(key, 'team/app', flipped, now, day)).toHaveProperty('invalid');
    }
  });

  it('expire after the age limit and are refused from far in the future', () => {
    expect(classifyUploadId(key, 'a/b', signUploadId(key, 'a/b', now - day - 1), now, day)).toEqual({ invalid: 'expired' });
    expect(classifyUploadId(key, 'a/b', signUploadId(key, 'a/b', now - day + 1000), now, day)).toBe('signed');
    // A replica whose clock is a minute ahead issued it: still valid; an hour ahead is not.
    expect(classifyUploadId(key, 'a/b', signUploadId(key, 'a/b', now + 60_000), now, day)).toBe('signed');
    expect(classifyUploadId(key, 'a/b', signUploadId(key, 'a/b', now + 3_600_000), now, day)).toEqual({ invalid: 'issued in the future' });
  });

  it('accept the UUIDs of sessions started before signed ids (their row decides) and nothing else', () => {
    expect(classifyUploadId(key, 'a/b', '18338431-d622-451e-950a-1d7c2f5987b0', now, day)).toBe('legacy');
    for (const bad of ['', 'x', '../../etc', 'A'.repeat(52), '0'.repeat(51), '0'.repeat(53), `${'0'.repeat(51)}/`]) {
      expect(classifyUploadId(key, 'a/b', bad, now, day)).toEqual({ invalid: 'not an upload id' });
    }
  });
});
