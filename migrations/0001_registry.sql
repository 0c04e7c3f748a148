-- Registry metadata: the single source of truth for what exists. Storage holds only
-- content-addressed bytes; a blob or manifest is visible exactly when its row is here.
--
-- Shapes chosen for what comes next:
-- * projects own repositories (quotas sum blob sizes per project, RBAC is per project);
-- * GC finds unreferenced blobs with one anti-join on artifact_blob (manifests are blobs too)
--   and skips blobs seen within a grace period (blob.last_seen_at);
-- * names sort byte-wise (COLLATE "C") so tag and catalog pagination follow the spec's lexical order.

CREATE TABLE project (
  id            serial PRIMARY KEY,
  name          text COLLATE "C" NOT NULL UNIQUE,
  public        boolean NOT NULL DEFAULT false,
  storage_limit bigint NOT NULL DEFAULT -1,
  created_at    timestamptz NOT NULL DEFAULT now(),
  updated_at    timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE repository (
  id          bigserial PRIMARY KEY,
  project_id  integer REFERENCES project(id) ON DELETE RESTRICT,
  name        text COLLATE "C" NOT NULL UNIQUE,
  created_at  timestamptz NOT NULL DEFAULT now(),
  updated_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX repository_project_idx ON repository (project_id);

CREATE TABLE blob (
  id            bigserial PRIMARY KEY,
  digest        text COLLATE "C" NOT NULL UNIQUE,
  size          bigint NOT NULL CHECK (size >= 0),
  media_type    text,
  created_at    timestamptz NOT NULL DEFAULT now(),
  last_seen_at  timestamptz NOT NULL DEFAULT now()
);

-- Which repositories may serve a blob: a blob is readable through a repository only when linked
-- to it (by an upload, a mount or a manifest push), never by guessing its digest.
CREATE TABLE repository_blob (
  repository_id bigint NOT NULL REFERENCES repository(id) ON DELETE CASCADE,
  blob_id       bigint NOT NULL REFERENCES blob(id) ON DELETE CASCADE,
  created_at    timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (repository_id, blob_id)
);
CREATE INDEX repository_blob_blob_idx ON repository_blob (blob_id);

CREATE TABLE artifact (
  id                bigserial PRIMARY KEY,
  repository_id     bigint NOT NULL REFERENCES repository(id) ON DELETE CASCADE,
  digest            text COLLATE "C" NOT NULL,
  media_type        text NOT NULL,
  artifact_type     text,
  config_media_type text,
  subject_digest    text COLLATE "C",
  annotations       jsonb,
  manifest_size     bigint NOT NULL,
  total_size        bigint NOT NULL,
  push_time         timestamptz NOT NULL DEFAULT now(),
  pull_time         timestamptz,
  UNIQUE (repository_id, digest)
);
CREATE INDEX artifact_subject_idx ON artifact (repository_id, subject_digest) WHERE subject_digest IS NOT NULL;

-- Every blob an artifact needs, its own manifest blob included: the GC mark set.
CREATE TABLE artifact_blob (
  artifact_id bigint NOT NULL REFERENCES artifact(id) ON DELETE CASCADE,
  blob_id     bigint NOT NULL REFERENCES blob(id) ON DELETE RESTRICT,
  PRIMARY KEY (artifact_id, blob_id)
);
CREATE INDEX artifact_blob_blob_idx ON artifact_blob (blob_id);

-- Index (or manifest list) -> child manifests in the same repository.
CREATE TABLE artifact_reference (
  parent_id   bigint NOT NULL REFERENCES artifact(id) ON DELETE CASCADE,
  child_id    bigint NOT NULL REFERENCES artifact(id) ON DELETE RESTRICT,
  platform    jsonb,
  annotations jsonb,
  PRIMARY KEY (parent_id, child_id)
);
CREATE INDEX artifact_reference_child_idx ON artifact_reference (child_id);

CREATE TABLE tag (
  id            bigserial PRIMARY KEY,
  repository_id bigint NOT NULL REFERENCES repository(id) ON DELETE CASCADE,
  artifact_id   bigint NOT NULL REFERENCES artifact(id) ON DELETE CASCADE,
  name          text COLLATE "C" NOT NULL,
  push_time     timestamptz NOT NULL DEFAULT now(),
  pull_time     timestamptz,
  UNIQUE (repository_id, name)
);
CREATE INDEX tag_artifact_idx ON tag (artifact_id);

-- Upload sessions. The bytes live in storage under the same id; "offset" is the count of bytes
-- acknowledged to the client. lease_until serialises appends across registry processes: a request
-- takes the lease with a conditional UPDATE and gives it back with the new offset.
CREATE TABLE upload (
  id              text PRIMARY KEY,
  repository_name text COLLATE "C" NOT NULL,
  "offset"        bigint NOT NULL DEFAULT 0,
  lease_until     timestamptz,
  created_at      timestamptz NOT NULL DEFAULT now(),
  updated_at      timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX upload_updated_idx ON upload (updated_at);
