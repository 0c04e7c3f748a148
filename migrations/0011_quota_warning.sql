-- Projects whose storage usage is past the warning share of their limit (Harbor's 85%), as the
-- jobservice last saw it after a push: a QUOTA_WARNING event goes out when a row is inserted, and
-- the row goes when usage is seen below the line again, so a project is warned once per crossing,
-- whichever jobservice notices. Kept apart from `quota`, whose row every push updates.
CREATE TABLE quota_warning (
  project_id  integer PRIMARY KEY REFERENCES project(id) ON DELETE CASCADE,
  used        bigint NOT NULL,
  hard        bigint NOT NULL,
  warned_at   timestamptz NOT NULL DEFAULT now()
);
