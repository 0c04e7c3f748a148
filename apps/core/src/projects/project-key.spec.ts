import { HarborError } from '../http/harbor-error';
import { isResourceName, projectKey } from './project-key';

describe('projectKey', () => {
  it('reads integers as ids unless told the value is a name', () => {
    expect(projectKey('12', false)).toEqual({ id: 12 });
    expect(projectKey('12', true)).toEqual({ name: '12' });
    expect(projectKey('library', false)).toEqual({ name: 'library' });
    // Beyond PostgreSQL's integer ids it can only be a name.
    expect(projectKey('99999999999', false)).toEqual({ name: '99999999999' });
  });
});

describe('isResourceName', () => {
  it('reads the header as a boolean, absent meaning false', () => {
    expect(isResourceName(undefined)).toBe(false);
    expect(isResourceName('True')).toBe(true);
    expect(isResourceName('false')).toBe(false);
    expect(() => isResourceName('1')).toThrow(HarborError);
  });
});
