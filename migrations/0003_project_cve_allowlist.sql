-- Harbor's per-project CVE allowlist (the `cve_allowlist` of its Project and ProjectReq):
-- {"items": [{"cve_id": "CVE-..."}], "expires_at": <epoch seconds> | null}. Kept with the
-- project so that the API returns what was set; vulnerability policies read it from here.
ALTER TABLE project
  ADD COLUMN cve_allowlist jsonb NOT NULL DEFAULT '{"items": []}'::jsonb,
  ADD COLUMN cve_allowlist_updated_at timestamptz NOT NULL DEFAULT now();
