-- What a retention run deleted, one row per artifact, written in the transaction of each deletion:
-- a run taken again after its jobservice died (the queue's stalled-job recovery) reads it, so the
-- resumed run reports the repository as one uninterrupted run would have (counts, decision log,
-- the artifacts its TAG_RETENTION event names). A row each, not an array on retention_task, so
-- that a repository with a hundred thousand deletions costs a hundred thousand small inserts.
CREATE TABLE retention_deletion (
  task_id    bigint NOT NULL REFERENCES retention_task(id) ON DELETE CASCADE,
  seq        bigserial,
  digest     text NOT NULL,
  tags       text[] NOT NULL,
  -- Milliseconds since the epoch: where the line goes in the newest-first decision log.
  push_time  bigint NOT NULL,
  line       text NOT NULL,
  PRIMARY KEY (task_id, seq)
);
