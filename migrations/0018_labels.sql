-- Labels (Harbor's harbor_label): global ones (scope 'g', no project, managed by system
-- administrators) and project ones (scope 'p', managed by the project's members per the matrix).
-- A name is unique within its scope and project, case-sensitively as in Harbor; a global label has
-- no project (Harbor writes project_id 0), so NULLS NOT DISTINCT keeps global names unique too.
-- Harbor's `level` column (system labels) is never set to anything but 'u' by its API: not kept.
CREATE TABLE harbor_label (
  id             serial PRIMARY KEY,
  name           text NOT NULL,
  description    text NOT NULL DEFAULT '',
  color          text NOT NULL DEFAULT '',
  scope          char(1) NOT NULL CHECK (scope IN ('g', 'p')),
  project_id     integer REFERENCES project(id) ON DELETE CASCADE,
  creation_time  timestamptz NOT NULL DEFAULT now(),
  update_time    timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT harbor_label_scope_project CHECK ((scope = 'g') = (project_id IS NULL)),
  CONSTRAINT harbor_label_name_key UNIQUE NULLS NOT DISTINCT (scope, project_id, name)
);

-- The labels an artifact carries. Deleting the label or the artifact (directly, with its
-- repository or with its project) removes the attachment.
CREATE TABLE label_reference (
  label_id       integer NOT NULL REFERENCES harbor_label(id) ON DELETE CASCADE,
  artifact_id    bigint NOT NULL REFERENCES artifact(id) ON DELETE CASCADE,
  creation_time  timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (label_id, artifact_id)
);

CREATE INDEX label_reference_artifact_idx ON label_reference (artifact_id);
