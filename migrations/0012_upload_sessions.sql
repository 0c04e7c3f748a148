-- Upload sessions that hold no bytes have no `upload` row: POST hands out an id signed with a key
-- every registry process reads from here (the id names its repository and the time it was issued),
-- and the row appears with the session's first write. Closing a session (completion, cancel, a
-- digest mismatch) records the id in `upload_closed`, so a signed id cannot be used again; GC
-- drops these rows once the id is past its age limit.
CREATE TABLE registry_secret (
  name       text PRIMARY KEY,
  value      bytea NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now()
);
-- 32 bytes from PostgreSQL's strong random source (two version-4 UUIDs: 244 random bits).
INSERT INTO registry_secret (name, value)
VALUES ('upload_session', decode(replace(gen_random_uuid()::text || gen_random_uuid()::text, '-', ''), 'hex'));

CREATE TABLE upload_closed (
  id        text PRIMARY KEY,
  closed_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX upload_closed_at_idx ON upload_closed (closed_at);
