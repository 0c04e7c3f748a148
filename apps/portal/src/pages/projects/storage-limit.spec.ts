import { storageLimitBytes } from './storage-limit';

describe('storageLimitBytes', () => {
  it('converts binary units', () => {
    expect(storageLimitBytes(10, 'GiB')).toBe(10 * 1024 ** 3);
    expect(storageLimitBytes(1.5, 'MiB')).toBe(1572864);
    expect(storageLimitBytes(2, 'TiB')).toBe(2 * 1024 ** 4);
  });
});
