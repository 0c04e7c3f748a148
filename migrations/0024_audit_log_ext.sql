-- Harbor 2.13's extended audit log (audit_log_ext): every recorded operation with a description
-- and whether it succeeded (a refused login is a row too). Kept beside audit_log, which the older
-- /audit-logs API still lists; the audit log purge deletes from both.
CREATE TABLE audit_log_ext (
  id             bigserial PRIMARY KEY,
  project_id     integer,
  operation      text NOT NULL,
  op_desc        text NOT NULL DEFAULT '',
  op_result      boolean NOT NULL DEFAULT true,
  resource_type  text NOT NULL,
  resource       text NOT NULL,
  username       text NOT NULL,
  client_ip      text,
  op_time        timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX audit_log_ext_time_idx ON audit_log_ext (op_time DESC, id DESC);
CREATE INDEX audit_log_ext_project_idx ON audit_log_ext (project_id, op_time DESC) WHERE project_id IS NOT NULL;
