-- Concurrent pushes into one project deadlocked in the quota triggers. Pushes of distinct images
-- over the same base layers each add a reference to the same (project, blob) rows of
-- project_blob, and quota_charge upserted those rows in whatever order its GROUP BY produced
-- (a hash order that changes with the other keys of the statement, e.g. each push's own manifest
-- blob): two pushes could each hold one shared row and wait for the other's. PostgreSQL rolled one
-- back (40P01); with 16-32 pushes at once into a new repository, three attempts were not always
-- enough and the client got a 500.
--
-- The lock order now: a change to a project's project_blob rows first locks the project's quota
-- row (projects in ascending id order), then its project_blob rows in (project, blob) order. Every
-- writer of those rows goes through quota_charge and quota_release (GC's recount locks the quota
-- row too), so two transactions touching one project's rows queue on its quota row before either
-- holds any of them, whatever order their statements' triggers fire in. This costs no
-- concurrency a push had: every push of a new manifest already updated the quota row and held it
-- until commit; now it takes that lock a few row updates earlier.

-- Adds holders of one kind; pairs held for the first time charge their blob's size.
CREATE OR REPLACE FUNCTION quota_charge(pids integer[], bids bigint[], n integer[], kind text) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
  -- The quota rows first: created if missing (a project made by an open registry has none yet; a
  -- concurrent creator's row is waited for here), then locked, lowest project first.
  INSERT INTO quota (project_id)
  SELECT DISTINCT pid FROM unnest(pids) AS x(pid) WHERE pid IS NOT NULL ORDER BY pid
  ON CONFLICT (project_id) DO NOTHING;
  PERFORM 1 FROM quota
    WHERE project_id IN (SELECT pid FROM unnest(pids) AS x(pid) WHERE pid IS NOT NULL)
    ORDER BY project_id FOR NO KEY UPDATE;
  WITH added AS (
    SELECT pid, bid, sum(c)::int AS c FROM unnest(pids, bids, n) AS x(pid, bid, c) WHERE pid IS NOT NULL GROUP BY pid, bid
  ), counted AS (
    INSERT INTO project_blob (project_id, blob_id, refs, links)
    SELECT pid, bid, CASE WHEN kind = 'refs' THEN c ELSE 0 END, CASE WHEN kind = 'links' THEN c ELSE 0 END FROM added
    ORDER BY pid, bid
    ON CONFLICT (project_id, blob_id) DO UPDATE
      SET refs = project_blob.refs + EXCLUDED.refs, links = project_blob.links + EXCLUDED.links
    RETURNING project_id, blob_id, (xmax = 0) AS created
  )
  UPDATE quota q SET used = q.used + s.bytes, update_time = now()
    FROM (SELECT c.project_id, sum(b.size) AS bytes FROM counted c JOIN blob b ON b.id = c.blob_id WHERE c.created GROUP BY c.project_id) s
   WHERE q.project_id = s.project_id;
END $$;

-- Takes `n` holders of one kind off each (project, blob) pair; pairs nothing holds any more go, and
-- their sizes leave the projects' usage.
CREATE OR REPLACE FUNCTION quota_release(pids integer[], bids bigint[], n integer[], kind text) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
  PERFORM 1 FROM quota
    WHERE project_id IN (SELECT pid FROM unnest(pids) AS x(pid) WHERE pid IS NOT NULL)
    ORDER BY project_id FOR NO KEY UPDATE;
  -- Then the pairs, in order, locked once for the update or the delete below.
  PERFORM 1 FROM project_blob pb
    WHERE (pb.project_id, pb.blob_id) IN (SELECT pid, bid FROM unnest(pids, bids) AS x(pid, bid) WHERE pid IS NOT NULL)
    ORDER BY pb.project_id, pb.blob_id FOR UPDATE;
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
