-- Immutable tag rules per project (Harbor's ImmutableRule). A tag selected by an enabled rule can
-- be created but never moved to another artifact or deleted, nor can an artifact carrying it.
-- Selectors are kept as Harbor's API gives them: tag_selectors is an array of
-- {kind, decoration, pattern, extras}; scope_selectors is {"repository": [...]}.
CREATE TABLE immutable_tag_rule (
  id               serial PRIMARY KEY,
  project_id       integer NOT NULL REFERENCES project(id) ON DELETE CASCADE,
  priority         integer NOT NULL DEFAULT 0,
  disabled         boolean NOT NULL DEFAULT false,
  action           text NOT NULL DEFAULT 'immutable',
  template         text NOT NULL DEFAULT 'immutable_template',
  params           jsonb NOT NULL DEFAULT '{}',
  tag_selectors    jsonb NOT NULL DEFAULT '[]',
  scope_selectors  jsonb NOT NULL DEFAULT '{}',
  creation_time    timestamptz NOT NULL DEFAULT now(),
  update_time      timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX immutable_tag_rule_project_idx ON immutable_tag_rule (project_id);
