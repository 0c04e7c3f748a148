-- Background jobs as Harbor models them. An execution is one run of something (a GC, one
-- retention policy, one webhook delivery...) identified by vendor_type and vendor_id (the policy's
-- id, -1 when there is none); its tasks are the units a worker runs. Both survive restarts and are
-- what the API shows: status, times, counts (extra_attrs) and log text.
--
-- Statuses: Pending -> Running -> Success | Error | Stopped. A worker killed mid-task leaves the
-- task Running until the queue hands it to another worker (run_count grows) or gives up (Error).

CREATE TABLE execution (
  id              bigserial PRIMARY KEY,
  vendor_type     text NOT NULL,
  vendor_id       bigint NOT NULL DEFAULT -1,
  status          text NOT NULL DEFAULT 'Pending',
  status_message  text NOT NULL DEFAULT '',
  trigger         text NOT NULL DEFAULT 'MANUAL',
  parameters      jsonb NOT NULL DEFAULT '{}',
  extra_attrs     jsonb NOT NULL DEFAULT '{}',
  stop_requested  boolean NOT NULL DEFAULT false,
  start_time      timestamptz NOT NULL DEFAULT now(),
  update_time     timestamptz NOT NULL DEFAULT now(),
  end_time        timestamptz
);
CREATE INDEX execution_vendor_idx ON execution (vendor_type, vendor_id, id DESC);
-- At most one unfinished run of a vendor at a time where the caller asks for it (GC, retention).
CREATE INDEX execution_unfinished_idx ON execution (vendor_type, vendor_id) WHERE status IN ('Pending', 'Running');

CREATE TABLE task (
  id              bigserial PRIMARY KEY,
  execution_id    bigint NOT NULL REFERENCES execution(id) ON DELETE CASCADE,
  vendor_type     text NOT NULL,
  job_id          text,
  status          text NOT NULL DEFAULT 'Pending',
  status_message  text NOT NULL DEFAULT '',
  run_count       integer NOT NULL DEFAULT 0,
  extra_attrs     jsonb NOT NULL DEFAULT '{}',
  log             text NOT NULL DEFAULT '',
  creation_time   timestamptz NOT NULL DEFAULT now(),
  start_time      timestamptz,
  update_time     timestamptz NOT NULL DEFAULT now(),
  end_time        timestamptz
);
CREATE INDEX task_execution_idx ON task (execution_id);

-- Cron schedules (Harbor's 6 fields, seconds first, UTC). The jobservice registers each row as a
-- queue scheduler named after its id; the database stays the source of truth across restarts.
CREATE TABLE schedule (
  id             bigserial PRIMARY KEY,
  vendor_type    text NOT NULL,
  vendor_id      bigint NOT NULL DEFAULT -1,
  cron_type      text NOT NULL DEFAULT 'Custom',
  cron           text NOT NULL,
  parameters     jsonb NOT NULL DEFAULT '{}',
  creation_time  timestamptz NOT NULL DEFAULT now(),
  update_time    timestamptz NOT NULL DEFAULT now(),
  UNIQUE (vendor_type, vendor_id)
);
