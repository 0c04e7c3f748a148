-- Per-project storage quotas. A project uses the sizes of the distinct blobs (manifests included)
-- its artifacts reference: a layer shared by ten images of the project counts once; a layer shared
-- with another project counts in each. The limit is project.storage_limit (-1: none).
--
-- project_blob counts, per project and blob, the artifacts referencing it; quota.used is the sum of
-- the sizes of the project's blobs. Triggers keep both exact on every path that adds or removes an
-- artifact (push, API delete, repository delete, GC, retention), in the same transaction; pushes
-- into one project serialise on its quota row only for the length of their commit.

CREATE TABLE project_blob (
  project_id integer NOT NULL REFERENCES project(id) ON DELETE CASCADE,
  blob_id    bigint NOT NULL REFERENCES blob(id) ON DELETE CASCADE,
  refs       integer NOT NULL CHECK (refs > 0),
  PRIMARY KEY (project_id, blob_id)
);
CREATE INDEX project_blob_blob_idx ON project_blob (blob_id);

CREATE TABLE quota (
  project_id    integer PRIMARY KEY REFERENCES project(id) ON DELETE CASCADE,
  used          bigint NOT NULL DEFAULT 0,
  creation_time timestamptz NOT NULL DEFAULT now(),
  update_time   timestamptz NOT NULL DEFAULT now()
);

-- Which project an artifact counts against, kept on the row so that it is still known while the
-- artifact goes away with its repository (cascades delete the repository row first).
ALTER TABLE artifact ADD COLUMN project_id integer;
UPDATE artifact a SET project_id = r.project_id FROM repository r WHERE r.id = a.repository_id;

CREATE FUNCTION artifact_project() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF NEW.project_id IS NULL THEN
    SELECT project_id INTO NEW.project_id FROM repository WHERE id = NEW.repository_id;
  END IF;
  RETURN NEW;
END $$;

CREATE TRIGGER artifact_project BEFORE INSERT ON artifact FOR EACH ROW EXECUTE FUNCTION artifact_project();

-- New artifact references: one statement's rows at once (a push inserts all of an artifact's).
CREATE FUNCTION quota_references_added() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  WITH added AS (
    SELECT a.project_id, n.blob_id, count(*)::int AS c
      FROM new_refs n JOIN artifact a ON a.id = n.artifact_id
     WHERE a.project_id IS NOT NULL
     GROUP BY a.project_id, n.blob_id
  ), counted AS (
    INSERT INTO project_blob (project_id, blob_id, refs) SELECT project_id, blob_id, c FROM added
    ON CONFLICT (project_id, blob_id) DO UPDATE SET refs = project_blob.refs + EXCLUDED.refs
    RETURNING project_id, blob_id, (xmax = 0) AS created
  )
  INSERT INTO quota (project_id, used)
  SELECT c.project_id, sum(b.size) FROM counted c JOIN blob b ON b.id = c.blob_id WHERE c.created GROUP BY c.project_id
  ON CONFLICT (project_id) DO UPDATE SET used = quota.used + EXCLUDED.used, update_time = now();
  RETURN NULL;
END $$;

CREATE TRIGGER artifact_blob_quota AFTER INSERT ON artifact_blob
  REFERENCING NEW TABLE AS new_refs FOR EACH STATEMENT EXECUTE FUNCTION quota_references_added();

-- An artifact going away (directly or by cascade): its references go next.
CREATE FUNCTION quota_artifact_removed() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  pid integer := OLD.project_id;
BEGIN
  IF pid IS NULL THEN
    RETURN OLD;
  END IF;
  WITH dec AS (
    UPDATE project_blob pb SET refs = pb.refs - 1
      FROM artifact_blob ab
     WHERE ab.artifact_id = OLD.id AND pb.project_id = pid AND pb.blob_id = ab.blob_id AND pb.refs > 1
  ), gone AS (
    DELETE FROM project_blob pb USING artifact_blob ab
     WHERE ab.artifact_id = OLD.id AND pb.project_id = pid AND pb.blob_id = ab.blob_id AND pb.refs = 1
    RETURNING pb.blob_id
  )
  UPDATE quota SET used = used - COALESCE((SELECT sum(b.size) FROM gone JOIN blob b ON b.id = gone.blob_id), 0), update_time = now()
   WHERE project_id = pid AND EXISTS (SELECT 1 FROM gone);
  RETURN OLD;
END $$;

CREATE TRIGGER artifact_quota BEFORE DELETE ON artifact
  FOR EACH ROW EXECUTE FUNCTION quota_artifact_removed();

-- What the usage should be, from the references themselves: the consistency check.
CREATE FUNCTION quota_recomputed(pid integer) RETURNS bigint LANGUAGE sql STABLE AS $$
  SELECT COALESCE(sum(b.size), 0)::bigint FROM blob b
   WHERE b.id IN (SELECT ab.blob_id FROM artifact_blob ab JOIN artifact a ON a.id = ab.artifact_id WHERE a.project_id = pid)
$$;

-- Existing content: count it once.
INSERT INTO project_blob (project_id, blob_id, refs)
SELECT a.project_id, ab.blob_id, count(*) FROM artifact_blob ab JOIN artifact a ON a.id = ab.artifact_id
 WHERE a.project_id IS NOT NULL GROUP BY a.project_id, ab.blob_id;
INSERT INTO quota (project_id, used)
SELECT p.id, COALESCE((SELECT sum(b.size) FROM project_blob pb JOIN blob b ON b.id = pb.blob_id WHERE pb.project_id = p.id), 0) FROM project p;
