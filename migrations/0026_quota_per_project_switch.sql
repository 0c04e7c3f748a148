-- Harbor's quota_per_project_enable: while the setting row holds JSON false, project storage
-- limits are not enforced. Usage is still counted on every push and deletion, so switching
-- enforcement back on needs no recount: the limits apply again to figures that are right.
CREATE OR REPLACE FUNCTION quota_limit() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  before bigint := CASE WHEN TG_OP = 'UPDATE' THEN OLD.used ELSE 0 END;
  p record;
BEGIN
  IF NEW.used <= before OR current_setting('wharf.quota_check', true) = 'off' THEN
    RETURN NEW;
  END IF;
  SELECT name, storage_limit INTO p FROM project WHERE id = NEW.project_id;
  IF p.storage_limit >= 0 AND NEW.used > p.storage_limit
     AND NOT EXISTS (SELECT 1 FROM setting WHERE key = 'quota_per_project_enable' AND value = 'false'::jsonb) THEN
    RAISE EXCEPTION USING ERRCODE = 'WQ001', MESSAGE = 'project storage quota exceeded',
      DETAIL = json_build_object('project', p.name, 'used', before, 'adding', NEW.used - before, 'hard', p.storage_limit)::text;
  END IF;
  RETURN NEW;
END $$;
