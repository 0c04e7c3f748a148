import { changedSettings, type ConfigurationsAnswer, eventTypeListOf, eventTypesValue, formValuesOf, ldapPingBody, oidcPingBody, storageAmountOf, storageBytesOf } from './settings';

const answer: ConfigurationsAnswer = {
  auth_mode: { value: 'db_auth', editable: true },
  ldap_url: { value: '', editable: true },
  ldap_timeout: { value: 5, editable: true },
  ldap_verify_cert: { value: true, editable: true },
  session_timeout: { value: 60, editable: true },
  robot_name_prefix: { value: 'robot$', editable: false },
  storage_per_project: { value: -1, editable: true },
};

describe('changedSettings', () => {
  it('sends nothing when nothing changed', () => {
    expect(changedSettings(answer, formValuesOf(answer))).toEqual({});
  });

  it('sends only the items whose value changed', () => {
    expect(changedSettings(answer, { ...formValuesOf(answer), session_timeout: 90, ldap_verify_cert: false })).toEqual({ session_timeout: 90, ldap_verify_cert: false });
  });

  it('compares text without surrounding spaces and sends it trimmed', () => {
    expect(changedSettings(answer, { ldap_url: '   ' })).toEqual({});
    expect(changedSettings(answer, { ldap_url: ' ldaps://ldap.example.com ' })).toEqual({ ldap_url: 'ldaps://ldap.example.com' });
  });

  it('leaves out read-only, unknown and empty items', () => {
    expect(changedSettings(answer, { robot_name_prefix: 'bot-', not_a_setting: 'x', session_timeout: undefined, ldap_timeout: null })).toEqual({});
  });

  it('sends the write-only password only when something was typed, as typed', () => {
    expect(changedSettings(answer, { ldap_search_password: '' })).toEqual({});
    expect(changedSettings(answer, { ldap_search_password: ' s3cret ' })).toEqual({ ldap_search_password: ' s3cret ' });
  });

  it('keeps 0 and false as changes', () => {
    expect(changedSettings(answer, { ldap_verify_cert: false, storage_per_project: 0 })).toEqual({ ldap_verify_cert: false, storage_per_project: 0 });
  });
});

describe('storage per project', () => {
  it('shows a limit in the largest exact unit', () => {
    expect(storageAmountOf(-1)).toMatchObject({ unlimited: true });
    expect(storageAmountOf(10 * 1024 ** 3)).toEqual({ unlimited: false, amount: 10, unit: 'GiB' });
    expect(storageAmountOf(2 * 1024 ** 4)).toEqual({ unlimited: false, amount: 2, unit: 'TiB' });
    expect(storageAmountOf(1536 * 1024 ** 2)).toEqual({ unlimited: false, amount: 1536, unit: 'MiB' });
    expect(storageAmountOf(1000)).toEqual({ unlimited: false, amount: 0, unit: 'MiB' });
  });

  it('converts back to bytes', () => {
    expect(storageBytesOf({ unlimited: true, amount: 5, unit: 'GiB' })).toBe(-1);
    expect(storageBytesOf({ unlimited: false, amount: 1.5, unit: 'GiB' })).toBe(1.5 * 1024 ** 3);
    for (const bytes of [1024 ** 2, 3 * 1024 ** 3, 7 * 1024 ** 4]) expect(storageBytesOf(storageAmountOf(bytes))).toBe(bytes);
  });
});

describe('ldapPingBody', () => {
  it('sends the form’s LDAP values under the ping’s names, the password only when typed', () => {
    expect(
      ldapPingBody({ ldap_url: ' ldap://10.255.255.1:389 ', ldap_base_dn: 'dc=example,dc=com', ldap_timeout: 3, ldap_scope: 2, ldap_verify_cert: true, ldap_search_password: '', session_timeout: 60 }),
    ).toEqual({ ldap_url: 'ldap://10.255.255.1:389', ldap_base_dn: 'dc=example,dc=com', ldap_connection_timeout: 3, ldap_scope: 2, ldap_verify_cert: true });
    expect(ldapPingBody({ ldap_search_password: 'pw' })).toEqual({ ldap_search_password: 'pw' });
  });
});

describe('oidcPingBody', () => {
  it('sends the endpoint (trimmed) and whether to verify its certificate (on unless turned off)', () => {
    expect(oidcPingBody({ oidc_endpoint: ' https://idp.example ', oidc_verify_cert: false })).toEqual({ url: 'https://idp.example', verify_cert: false });
    expect(oidcPingBody({})).toEqual({ url: '', verify_cert: true });
  });

  it('treats the OIDC client secret as write-only, like the LDAP password', () => {
    expect(changedSettings(answer, { oidc_client_secret: '' })).toEqual({});
    expect(changedSettings(answer, { oidc_client_secret: 'abc' })).toEqual({ oidc_client_secret: 'abc' });
  });
});

describe('disabled audit log event types', () => {
  it('reads the comma-separated setting as a list and writes it back in the API’s order', () => {
    expect(eventTypeListOf(' Create_User, ,pull_artifact,')).toEqual(['create_user', 'pull_artifact']);
    expect(eventTypeListOf(undefined)).toEqual([]);
    const order = ['create_artifact', 'pull_artifact', 'create_user'];
    expect(eventTypesValue(['create_user', 'pull_artifact', 'create_user'], order)).toBe('pull_artifact,create_user');
    expect(eventTypesValue([], order)).toBe('');
  });
});
