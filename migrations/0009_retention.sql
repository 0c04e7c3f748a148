-- Tag retention (Harbor's /retentions). One policy per project; its rules are kept as the API
-- takes them (Harbor's RetentionRule list, normalised), its trigger likewise ({kind, settings:
-- {cron}, references}). A cron in the trigger is mirrored into a `schedule` row (vendor
-- RETENTION, vendor_id = the policy's id), which the jobservice turns into a queue scheduler.
CREATE TABLE retention_policy (
  id             bigserial PRIMARY KEY,
  project_id     integer NOT NULL UNIQUE REFERENCES project(id) ON DELETE CASCADE,
  algorithm      text NOT NULL DEFAULT 'or',
  rules          jsonb NOT NULL DEFAULT '[]',
  trigger        jsonb NOT NULL DEFAULT '{}',
  creation_time  timestamptz NOT NULL DEFAULT now(),
  update_time    timestamptz NOT NULL DEFAULT now()
);

-- A policy that goes (deleted, or with its project) takes its schedule along; the jobservice's
-- periodic schedule sync then drops the queue scheduler.
CREATE FUNCTION retention_policy_removed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  DELETE FROM schedule WHERE vendor_type = 'RETENTION' AND vendor_id = OLD.id;
  RETURN OLD;
END $$;

CREATE TRIGGER retention_policy_removed AFTER DELETE ON retention_policy
  FOR EACH ROW EXECUTE FUNCTION retention_policy_removed();

-- What one run did to each repository it covered (Harbor's RetentionExecutionTask: "each
-- repository as a task"). A run is one queue task; these rows are its per-repository record:
-- written Pending when the run starts, then Running, then Success/Error/Stopped with the counts
-- and the decision log (one line per artifact: retained or deleted, and why).
CREATE TABLE retention_task (
  id               bigserial PRIMARY KEY,
  execution_id     bigint NOT NULL REFERENCES execution(id) ON DELETE CASCADE,
  repository       text COLLATE "C" NOT NULL,
  status           text NOT NULL DEFAULT 'Pending',
  status_message   text NOT NULL DEFAULT '',
  status_revision  integer NOT NULL DEFAULT 0,
  total            integer NOT NULL DEFAULT 0,
  retained         integer NOT NULL DEFAULT 0,
  log              text NOT NULL DEFAULT '',
  creation_time    timestamptz NOT NULL DEFAULT now(),
  start_time       timestamptz,
  end_time         timestamptz,
  UNIQUE (execution_id, repository)
);
