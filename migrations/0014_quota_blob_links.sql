-- Quotas charge a blob when it lands in a repository of the project (upload completed, or
-- mounted), as Harbor does, not only once a manifest references it: blobs pushed without a
-- manifest used to cost nothing, so a project could hold any amount of them past its limit.
--
-- project_blob now counts two kinds of holders of a blob in a project: `refs`, the project's
-- artifacts referencing it (as before), and `links`, the project's repositories holding it
-- (repository_blob rows). The project pays for the blob while either is above zero. A link goes
-- when garbage collection removes the blob or its link (a blob no artifact of the repository
-- references, unseen for the time window), when the blob is deleted through /v2/ or when the
-- repository goes; then the charge is released.
--
-- Every increase of a project's usage is checked against its storage limit in the statement that
-- makes it (trigger quota_limit): concurrent uploads and pushes into one project serialise on the
-- quota row and can never together pass the limit. The refusal is SQLSTATE WQ001 with the figures
-- as JSON in its detail. Corrections (GC's recount) set `wharf.quota_check` to `off` for their
-- transaction.

ALTER TABLE project_blob ADD COLUMN links integer NOT NULL DEFAULT 0;
ALTER TABLE project_blob DROP CONSTRAINT project_blob_refs_check;
ALTER TABLE project_blob ADD CONSTRAINT project_blob_held CHECK (refs >= 0 AND links >= 0 AND refs + links > 0);

-- Takes `n` holders of one kind off each (project, blob) pair; pairs nothing holds any more go, and
-- their sizes leave the projects' usage.
CREATE FUNCTION quota_release(pids integer[], bids bigint[], n integer[], kind text) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
  WITH rel AS (
    SELECT pid, bid, sum(c)::int AS c FROM unnest(pids, bids, n) AS x(pid, bid, c) WHERE pid IS NOT NULL GROUP BY pid, bid
  ), dec AS (
    UPDATE project_blob pb
       SET refs = pb.refs - CASE WHEN kind = 'refs' THEN rel.c ELSE 0 END,
           links = pb.links - CASE WHEN kind = 'links' THEN rel.c ELSE 0 END
      FROM rel
     WHERE pb.project_id = rel.pid AND pb.blob_id = rel.bid AND pb.refs + pb.links > rel.c
  ), gone AS (
    DELETE FROM project_blob pb USING rel
     WHERE pb.project_id = rel.pid AND pb.blob_id = rel.bid AND pb.refs + pb.links <= rel.c
    RETURNING pb.project_id, pb.blob_id
  )
  UPDATE quota q SET used = q.used - s.bytes, update_time = now()
    FROM (SELECT g.project_id, sum(b.size) AS bytes FROM gone g JOIN blob b ON b.id = g.blob_id GROUP BY g.project_id) s
   WHERE q.project_id = s.project_id;
END $$;

-- Adds holders of one kind; pairs held for the first time charge their blob's size.
CREATE FUNCTION quota_charge(pids integer[], bids bigint[], n integer[], kind text) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
  WITH added AS (
    SELECT pid, bid, sum(c)::int AS c FROM unnest(pids, bids, n) AS x(pid, bid, c) WHERE pid IS NOT NULL GROUP BY pid, bid
  ), counted AS (
    INSERT INTO project_blob (project_id, blob_id, refs, links)
    SELECT pid, bid, CASE WHEN kind = 'refs' THEN c ELSE 0 END, CASE WHEN kind = 'links' THEN c ELSE 0 END FROM added
    ON CONFLICT (project_id, blob_id) DO UPDATE
      SET refs = project_blob.refs + EXCLUDED.refs, links = project_blob.links + EXCLUDED.links
    RETURNING project_id, blob_id, (xmax = 0) AS created
  )
  INSERT INTO quota (project_id, used)
  SELECT c.project_id, sum(b.size) FROM counted c JOIN blob b ON b.id = c.blob_id WHERE c.created GROUP BY c.project_id
  -- Lowest project first: two statements charging the same projects lock their rows in one order.
  ORDER BY c.project_id
  ON CONFLICT (project_id) DO UPDATE SET used = quota.used + EXCLUDED.used, update_time = now();
END $$;

-- Artifact references: the existing triggers, now through the shared functions.
CREATE OR REPLACE FUNCTION quota_references_added() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM quota_charge(array_agg(a.project_id), array_agg(n.blob_id), array_agg(1), 'refs')
     FROM new_refs n JOIN artifact a ON a.id = n.artifact_id;
  RETURN NULL;
END $$;

CREATE OR REPLACE FUNCTION quota_artifact_removed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF OLD.project_id IS NOT NULL THEN
    PERFORM quota_release(array_agg(OLD.project_id), array_agg(ab.blob_id), array_agg(1), 'refs')
       FROM artifact_blob ab WHERE ab.artifact_id = OLD.id;
  END IF;
  RETURN OLD;
END $$;

-- Repository links.
CREATE FUNCTION quota_links_added() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM quota_charge(array_agg(r.project_id), array_agg(n.blob_id), array_agg(1), 'links')
     FROM new_links n JOIN repository r ON r.id = n.repository_id;
  RETURN NULL;
END $$;

CREATE TRIGGER repository_blob_quota_added AFTER INSERT ON repository_blob
  REFERENCING NEW TABLE AS new_links FOR EACH STATEMENT EXECUTE FUNCTION quota_links_added();

-- A link deleted: by GC's unlinking, a blob DELETE through /v2/, or with its repository or its
-- blob (the triggers below delete those links themselves, while the repository and the blob rows
-- still exist, so that the project and the size are still known; the cascades then find nothing).
CREATE FUNCTION quota_links_removed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM quota_release(array_agg(r.project_id), array_agg(o.blob_id), array_agg(1), 'links')
     FROM old_links o JOIN repository r ON r.id = o.repository_id;
  RETURN NULL;
END $$;

CREATE TRIGGER repository_blob_quota_removed AFTER DELETE ON repository_blob
  REFERENCING OLD TABLE AS old_links FOR EACH STATEMENT EXECUTE FUNCTION quota_links_removed();

CREATE FUNCTION quota_repository_removed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  DELETE FROM repository_blob WHERE repository_id = OLD.id;
  RETURN OLD;
END $$;

CREATE TRIGGER repository_quota BEFORE DELETE ON repository
  FOR EACH ROW EXECUTE FUNCTION quota_repository_removed();

-- GC deletes only blobs no artifact references: links are all that can still hold them.
CREATE FUNCTION quota_blob_removed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  DELETE FROM repository_blob WHERE blob_id = OLD.id;
  RETURN OLD;
END $$;

CREATE TRIGGER blob_quota BEFORE DELETE ON blob
  FOR EACH ROW EXECUTE FUNCTION quota_blob_removed();

-- The limit, checked where usage grows.
CREATE FUNCTION quota_limit() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  before bigint := CASE WHEN TG_OP = 'UPDATE' THEN OLD.used ELSE 0 END;
  p record;
BEGIN
  IF NEW.used <= before OR current_setting('wharf.quota_check', true) = 'off' THEN
    RETURN NEW;
  END IF;
  SELECT name, storage_limit INTO p FROM project WHERE id = NEW.project_id;
  IF p.storage_limit >= 0 AND NEW.used > p.storage_limit THEN
    RAISE EXCEPTION USING ERRCODE = 'WQ001', MESSAGE = 'project storage quota exceeded',
      DETAIL = json_build_object('project', p.name, 'used', before, 'adding', NEW.used - before, 'hard', p.storage_limit)::text;
  END IF;
  RETURN NEW;
END $$;

CREATE TRIGGER quota_limit BEFORE INSERT OR UPDATE OF used ON quota
  FOR EACH ROW EXECUTE FUNCTION quota_limit();

-- What the usage should be: the blobs the project's artifacts reference or its repositories hold.
CREATE OR REPLACE FUNCTION quota_recomputed(pid integer) RETURNS bigint LANGUAGE sql STABLE AS $$
  SELECT COALESCE(sum(b.size), 0)::bigint FROM blob b
   WHERE b.id IN (SELECT ab.blob_id FROM artifact_blob ab JOIN artifact a ON a.id = ab.artifact_id WHERE a.project_id = pid
                  UNION
                  SELECT rb.blob_id FROM repository_blob rb JOIN repository r ON r.id = rb.repository_id WHERE r.project_id = pid)
$$;

-- Existing links: counted once, then every project's usage recounted (a limit may already be
-- passed: recounting is a correction, not a charge).
SET LOCAL wharf.quota_check = 'off';
INSERT INTO project_blob (project_id, blob_id, refs, links)
SELECT r.project_id, rb.blob_id, 0, count(*) FROM repository_blob rb JOIN repository r ON r.id = rb.repository_id
 WHERE r.project_id IS NOT NULL GROUP BY r.project_id, rb.blob_id
ON CONFLICT (project_id, blob_id) DO UPDATE SET links = EXCLUDED.links;
UPDATE quota SET used = quota_recomputed(project_id), update_time = now();
