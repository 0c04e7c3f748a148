import { closestKey, editDistance } from './closest-key';

describe('editDistance', () => {
  it.each([
    ['hostname', 'hostname', 0],
    ['hostnam', 'hostname', 1],
    ['hsotname', 'hostname', 1],
    ['port', 'path', 3],
    ['', 'abc', 3],
  ])('%s -> %s is %i', (a, b, d) => {
    expect(editDistance(a, b)).toBe(d);
  });
});

describe('closestKey', () => {
  const keys = ['port', 'certificate', 'private_key', 'max_job_workers', 'rotate_count', 'rotate_size'];

  it.each([
    ['prot', 'port'],
    ['certifcate', 'certificate'],
    ['Private-Key', 'private_key'],
    ['privatekey', 'private_key'],
    ['max_workers', 'max_job_workers'],
    ['rotate_sise', 'rotate_size'],
  ])('%s means %s', (key, expected) => {
    expect(closestKey(key, keys)).toBe(expected);
  });

  it.each(['path', 'colour', 'enabled', 'x'])('finds nothing close to %s', (key) => {
    expect(closestKey(key, keys)).toBeUndefined();
  });
});
