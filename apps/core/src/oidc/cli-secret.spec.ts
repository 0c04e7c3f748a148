import { cliSecretAccepted, cliSecretValid, randomCliSecret } from './cli-secret';

describe('CLI secrets', () => {
  it('follow Harbor rules: 8 to 128 characters with upper and lower case letters and a digit', () => {
    expect(cliSecretValid('Abcdefg1')).toBe(true);
    expect(cliSecretValid(`A1${'b'.repeat(126)}`)).toBe(true);
    for (const weak of ['Abcdef1', `A1${'b'.repeat(127)}`, 'abcdefg1', 'ABCDEFG1', 'Abcdefgh']) expect(cliSecretValid(weak)).toBe(false);
    for (let i = 0; i < 50; i++) expect(cliSecretValid(randomCliSecret())).toBe(true);
  });

  it('stand in for passwords where Harbor lets them: the token service, the registry, a few API calls', () => {
    expect(cliSecretAccepted('GET', '/service/token?scope=x')).toBe(true);
    expect(cliSecretAccepted('PUT', '/v2/p/r/manifests/v1')).toBe(true);
    expect(cliSecretAccepted('GET', '/api/v2.0/projects/')).toBe(true);
    expect(cliSecretAccepted('POST', '/api/v2.0/projects')).toBe(true);
    expect(cliSecretAccepted('GET', '/api/v2.0/projects/p/repositories/r/artifacts')).toBe(true);
    expect(cliSecretAccepted('DELETE', '/api/v2.0/projects/p/repositories/r/artifacts/v1/tags/t')).toBe(true);
    expect(cliSecretAccepted('DELETE', '/api/v2.0/projects/p')).toBe(false);
    expect(cliSecretAccepted('GET', '/api/v2.0/users/current')).toBe(false);
    expect(cliSecretAccepted('PUT', '/api/v2.0/users/3/cli_secret')).toBe(false);
  });
});
