-- When a repository received its first artifact. The registry creates a repository's row with the
-- first blob pushed into it (the row anchors the blob's link and its quota charge), but a
-- repository exists for users, as in Harbor, from its first artifact on: the API lists, counts
-- and finds only repositories that have one (or had: a repository emptied by deletes stays
-- listed until it is deleted). A push refused before any manifest was recorded (by the quota,
-- say) leaves nothing the API shows; deleting the project removes such rows with it.
ALTER TABLE repository ADD COLUMN first_push_time timestamptz;
-- Every repository so far was listed: it stays so.
UPDATE repository SET first_push_time = created_at;

CREATE FUNCTION repository_first_push() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  UPDATE repository r SET first_push_time = now()
    FROM (SELECT DISTINCT repository_id FROM new_artifacts) n
   WHERE r.id = n.repository_id AND r.first_push_time IS NULL;
  RETURN NULL;
END $$;

CREATE TRIGGER artifact_first_push AFTER INSERT ON artifact
  REFERENCING NEW TABLE AS new_artifacts FOR EACH STATEMENT EXECUTE FUNCTION repository_first_push();
