import { digestOf } from './digest';
import {
  artifactName,
  isValidRepositoryName,
  isValidTag,
  MAX_REPOSITORY_NAME_LENGTH,
  MAX_TAG_LENGTH,
  parseReference,
  validateRepositoryName,
  validateTag,
} from './names';
import { catchOciError } from './testing/catch-oci-error';

describe('validateRepositoryName', () => {
  it.each([
    'a',
    '0',
    'ubuntu',
    'library/ubuntu',
    'team/app/api',
    'a/b/c/d/e/f',
    'a.b',
    'a-b',
    'a--b',
    'a---b',
    'a_b',
    'a__b',
    'my.app_v2--beta/x9',
    'a'.repeat(MAX_REPOSITORY_NAME_LENGTH),
    `${'a/'.repeat(127)}a`,
  ])('accepts %p', (name) => {
    expect(() => validateRepositoryName(name)).not.toThrow();
    expect(isValidRepositoryName(name)).toBe(true);
  });

  it.each([
    ['empty', ''],
    ['dot-dot', '..'],
    ['dot', '.'],
    ['dot-dot component', 'team/../secret'],
    ['dot component', 'team/./app'],
    ['double dot separator', 'a..b'],
    ['leading hyphen', '-a'],
    ['trailing hyphen', 'a-'],
    ['leading underscore', '_a'],
    ['trailing dot', 'a.'],
    ['triple underscore', 'a___b'],
    ['mixed separators', 'a.-b'],
    ['mixed separators 2', 'a_-b'],
    ['leading slash', '/a'],
    ['trailing slash', 'a/'],
    ['empty component', 'a//b'],
    ['uppercase', 'Library/ubuntu'],
    ['uppercase later', 'library/Ubuntu'],
    ['NUL byte', 'a\0b'],
    ['space', 'a b'],
    ['colon', 'a:b'],
    ['at sign', 'a@b'],
    ['backslash', 'a\\b'],
    ['non-ASCII', 'café'],
    ['newline', 'a\n'],
    ['256 characters', 'a'.repeat(MAX_REPOSITORY_NAME_LENGTH + 1)],
    ['256 characters over components', `${'a/'.repeat(127)}ab`],
  ])('rejects %s', (_label, name) => {
    const err = catchOciError(() => validateRepositoryName(name));
    expect(err.code).toBe('NAME_INVALID');
    expect(err.status).toBe(400);
    expect(isValidRepositoryName(name)).toBe(false);
  });

  it('gives the reason', () => {
    expect(catchOciError(() => validateRepositoryName('')).message).toMatch(/empty/);
    expect(catchOciError(() => validateRepositoryName('a'.repeat(256))).message).toMatch(/256 characters.*255/);
    expect(catchOciError(() => validateRepositoryName('/a')).message).toMatch(/start or end with '\/'/);
    expect(catchOciError(() => validateRepositoryName('a//b')).message).toMatch(/empty path component/);
    expect(catchOciError(() => validateRepositoryName('Team/app')).message).toMatch(/lowercase/);
    expect(catchOciError(() => validateRepositoryName('team/a___b/c')).message).toMatch(/component "a___b"/);
  });

  it('isValidRepositoryName is false for non-strings', () => {
    expect(isValidRepositoryName(undefined)).toBe(false);
    expect(isValidRepositoryName(['a'])).toBe(false);
  });
});

describe('validateTag', () => {
  it.each(['latest', 'v1.0.0', '1', '_', '_private', 'A', 'UPPER-lower_1.2', 'a'.repeat(MAX_TAG_LENGTH), 'x--__..y'])(
    'accepts %p',
    (tag) => {
      expect(() => validateTag(tag)).not.toThrow();
      expect(isValidTag(tag)).toBe(true);
    },
  );

  it.each([
    ['empty', ''],
    ['129 characters', 'a'.repeat(MAX_TAG_LENGTH + 1)],
    ['leading dot', '.hidden'],
    ['leading hyphen', '-x'],
    ['slash', 'a/b'],
    ['colon', 'a:b'],
    ['plus', '1.0+build'],
    ['space', 'a b'],
    ['trailing newline', 'latest\n'],
    ['NUL', 'a\0'],
    ['non-ASCII', 'ümlaut'],
    ['at sign', 'a@b'],
  ])('rejects %s', (_label, tag) => {
    const err = catchOciError(() => validateTag(tag));
    expect(err.code).toBe('TAG_INVALID');
    expect(isValidTag(tag)).toBe(false);
  });

  it('gives the reason', () => {
    expect(catchOciError(() => validateTag('')).message).toMatch(/empty/);
    expect(catchOciError(() => validateTag('a'.repeat(129))).message).toMatch(/129 characters.*128/);
    expect(catchOciError(() => validateTag('.x')).message).toMatch(/must start with/);
    expect(catchOciError(() => validateTag('a/b')).message).toMatch(/may only contain/);
  });
});

describe('parseReference', () => {
  it('parses a tag', () => {
    expect(parseReference('v1.2.3')).toEqual({ kind: 'tag', tag: 'v1.2.3' });
  });

  it('parses a digest', () => {
    const digest = digestOf('hello');
    expect(parseReference(digest)).toEqual({
      kind: 'digest',
      digest,
      algorithm: 'sha256',
      hex: digest.slice('sha256:'.length),
    });
    const d512 = digestOf('hello', 'sha512');
    expect(parseReference(d512)).toMatchObject({ kind: 'digest', algorithm: 'sha512', digest: d512 });
  });

  it('treats anything with a colon as a digest and validates it as one', () => {
    expect(catchOciError(() => parseReference('latest:foo')).code).toBe('DIGEST_INVALID');
    expect(catchOciError(() => parseReference('sha256:abc')).code).toBe('DIGEST_INVALID');
    expect(catchOciError(() => parseReference(digestOf('x').toUpperCase())).code).toBe('DIGEST_INVALID');
  });

  it('validates tags', () => {
    expect(catchOciError(() => parseReference('')).code).toBe('TAG_INVALID');
    expect(catchOciError(() => parseReference('../etc')).code).toBe('TAG_INVALID');
    expect(catchOciError(() => parseReference('a'.repeat(129))).code).toBe('TAG_INVALID');
  });
});

describe('artifactName', () => {
  it('joins a tag with ":" and a digest with "@"', () => {
    const digest = digestOf('hello');
    expect(artifactName('team/app', 'v1')).toBe('team/app:v1');
    expect(artifactName('team/app', digest)).toBe(`team/app@${digest}`);
  });
});
