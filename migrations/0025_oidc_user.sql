-- Users onboarded through an OpenID Connect provider (auth_mode oidc_auth): who they are at the
-- provider (subject and issuer of their ID tokens), their CLI secret (docker login's password)
-- and the provider's last token set (refresh token, ID token), both encrypted under the
-- `oidc_secret` key below: an export of this table, a log or a backup of it alone gives neither
-- away. A dump of the whole database holds the key too (Harbor keeps its key in a file instead).
CREATE TABLE oidc_user (
  id          serial PRIMARY KEY,
  user_id     integer NOT NULL REFERENCES app_user(id) ON DELETE CASCADE,
  subject     text NOT NULL,
  issuer      text NOT NULL,
  secret      text NOT NULL,
  token       text NOT NULL,
  created_at  timestamptz NOT NULL DEFAULT now(),
  updated_at  timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX oidc_user_user_key ON oidc_user (user_id);
CREATE UNIQUE INDEX oidc_user_subiss_key ON oidc_user (subject, issuer);

-- The key of that encryption, shared by every core replica as the console's CSRF key is.
INSERT INTO registry_secret (name, value)
VALUES ('oidc_secret', decode(replace(gen_random_uuid()::text || gen_random_uuid()::text, '-', ''), 'hex'));
