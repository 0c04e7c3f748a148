-- Identity and access: users, groups, project membership, robot accounts, audit log, settings.
-- Shapes follow Harbor's model so that its REST API maps onto rows directly: role ids 1-5 as in
-- Harbor (1 projectAdmin, 2 developer, 3 guest, 4 maintainer, 5 limitedGuest), robot permissions as
-- Harbor's [{kind, namespace, access: [{resource, action, effect}]}] list.

CREATE TABLE app_user (
  id            serial PRIMARY KEY,
  username      text COLLATE "C" NOT NULL,
  email         text,
  realname      text NOT NULL DEFAULT '',
  comment       text NOT NULL DEFAULT '',
  -- bcrypt; NULL for users whose password lives elsewhere (LDAP, OIDC).
  password_hash text,
  sysadmin      boolean NOT NULL DEFAULT false,
  auth_source   text NOT NULL DEFAULT 'db' CHECK (auth_source IN ('db', 'ldap', 'oidc')),
  -- LDAP users: the entry they were last seen as.
  external_dn   text,
  created_at    timestamptz NOT NULL DEFAULT now(),
  updated_at    timestamptz NOT NULL DEFAULT now()
);
-- Harbor compares user names and e-mail addresses case-insensitively.
CREATE UNIQUE INDEX app_user_username_key ON app_user (lower(username));
CREATE UNIQUE INDEX app_user_email_key ON app_user (lower(email)) WHERE email IS NOT NULL AND email <> '';

-- Groups come from the authentication backend (LDAP group DNs now, OIDC groups later).
CREATE TABLE user_group (
  id          serial PRIMARY KEY,
  group_name  text NOT NULL,
  -- Harbor's group types: 1 LDAP, 2 HTTP, 3 OIDC.
  group_type  integer NOT NULL CHECK (group_type IN (1, 2, 3)),
  ldap_dn     text,
  created_at  timestamptz NOT NULL DEFAULT now(),
  updated_at  timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX user_group_ldap_dn_key ON user_group (lower(ldap_dn)) WHERE ldap_dn IS NOT NULL;
CREATE UNIQUE INDEX user_group_name_key ON user_group (group_type, group_name) WHERE ldap_dn IS NULL;

ALTER TABLE project
  ADD COLUMN owner_id integer REFERENCES app_user(id) ON DELETE SET NULL,
  -- Harbor's project metadata map (string values: "public", "auto_scan", "severity", ...);
  -- project.public mirrors metadata.public for the hot path of the token service.
  ADD COLUMN metadata jsonb NOT NULL DEFAULT '{}'::jsonb;

-- A member is a user or a group, never both.
CREATE TABLE project_member (
  id          serial PRIMARY KEY,
  project_id  integer NOT NULL REFERENCES project(id) ON DELETE CASCADE,
  user_id     integer REFERENCES app_user(id) ON DELETE CASCADE,
  group_id    integer REFERENCES user_group(id) ON DELETE CASCADE,
  role        integer NOT NULL CHECK (role BETWEEN 1 AND 5),
  created_at  timestamptz NOT NULL DEFAULT now(),
  updated_at  timestamptz NOT NULL DEFAULT now(),
  CHECK ((user_id IS NULL) <> (group_id IS NULL))
);
CREATE UNIQUE INDEX project_member_user_key ON project_member (project_id, user_id) WHERE user_id IS NOT NULL;
CREATE UNIQUE INDEX project_member_group_key ON project_member (project_id, group_id) WHERE group_id IS NOT NULL;
CREATE INDEX project_member_user_idx ON project_member (user_id) WHERE user_id IS NOT NULL;

-- Robot accounts. System robots have project_id NULL; a project's robots go with the project.
-- Their full names are robot$<name> and robot$<project>+<name> (the prefix is configurable).
CREATE TABLE robot (
  id          serial PRIMARY KEY,
  name        text COLLATE "C" NOT NULL,
  description text NOT NULL DEFAULT '',
  level       text NOT NULL CHECK (level IN ('system', 'project')),
  project_id  integer REFERENCES project(id) ON DELETE CASCADE,
  secret_hash text NOT NULL,
  -- Days the robot lives, -1 for ever; expires_at is then NULL.
  duration    integer NOT NULL DEFAULT -1,
  expires_at  timestamptz,
  disabled    boolean NOT NULL DEFAULT false,
  permissions jsonb NOT NULL DEFAULT '[]'::jsonb,
  creator     text NOT NULL DEFAULT '',
  created_at  timestamptz NOT NULL DEFAULT now(),
  updated_at  timestamptz NOT NULL DEFAULT now(),
  CHECK ((level = 'system') = (project_id IS NULL))
);
CREATE UNIQUE INDEX robot_name_key ON robot (name, project_id) NULLS NOT DISTINCT;

-- What happened, by whom. No foreign keys: the history outlives the users, projects and
-- artifacts it mentions.
CREATE TABLE audit_log (
  id             bigserial PRIMARY KEY,
  project_id     integer,
  operation      text NOT NULL,
  resource_type  text NOT NULL,
  resource       text NOT NULL,
  username       text NOT NULL,
  client_ip      text,
  op_time        timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX audit_log_time_idx ON audit_log (op_time DESC, id DESC);
CREATE INDEX audit_log_project_idx ON audit_log (project_id, op_time DESC) WHERE project_id IS NOT NULL;

-- System settings changed through the API (Harbor's /configurations): auth_mode, LDAP settings,
-- robot name prefix, token expiry, ... One row per key, JSON values.
CREATE TABLE setting (
  key         text PRIMARY KEY,
  value       jsonb NOT NULL,
  updated_at  timestamptz NOT NULL DEFAULT now()
);

-- Which groups a user belongs to, as the authentication backend said at their last login.
CREATE TABLE user_group_member (
  group_id    integer NOT NULL REFERENCES user_group(id) ON DELETE CASCADE,
  user_id     integer NOT NULL REFERENCES app_user(id) ON DELETE CASCADE,
  PRIMARY KEY (group_id, user_id)
);
CREATE INDEX user_group_member_user_idx ON user_group_member (user_id);
