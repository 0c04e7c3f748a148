import { parseArgs } from './cli-args';

describe('parseArgs', () => {
  it('installs with ./harbor.yml by default', () => {
    expect(parseArgs([])).toEqual({ mode: 'install', configPath: 'harbor.yml' });
  });

  it('takes --config in both spellings and one mode', () => {
    expect(parseArgs(['--config', '/etc/h.yml', '--status'])).toEqual({ mode: 'status', configPath: '/etc/h.yml' });
    expect(parseArgs(['--stop', '--config=x.yml'])).toEqual({ mode: 'stop', configPath: 'x.yml' });
  });

  it('refuses unknown options, a missing path and two modes', () => {
    expect(() => parseArgs(['--frobnicate'])).toThrow('unknown option --frobnicate');
    expect(() => parseArgs(['--config'])).toThrow('--config needs a path');
    expect(() => parseArgs(['--stop', '--status'])).toThrow('cannot be combined');
  });
});
