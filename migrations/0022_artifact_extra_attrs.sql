-- What Harbor's artifact processors abstract from an artifact's manifest and config: extra_attrs
-- (an image's architecture, os, config, created and author; a chart's metadata; ...) and the
-- digest of the artifact's own icon (a layer marked as its icon, a chart's data URL icon).
--
-- NULL extra_attrs means "not worked out yet": core works it out from storage the first time the
-- artifact is read and writes it here, so artifacts pushed before this migration get theirs on
-- their first read and nothing has to be scanned now. icon stays NULL for artifacts without an
-- icon of their own (their type's built-in icon is used).
ALTER TABLE artifact ADD COLUMN extra_attrs jsonb, ADD COLUMN icon text COLLATE "C";
CREATE INDEX artifact_icon_idx ON artifact (icon) WHERE icon IS NOT NULL;
