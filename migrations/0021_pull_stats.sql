-- Pull statistics as Harbor keeps them: a repository's pull_count, and the pull_time of artifacts
-- and tags (columns of 0001). Registry processes count manifest pulls in Redis, never with a
-- database write per pull; one process at a time moves the counts here in batches.
--
-- pull_stats_batch remembers the batches applied, so that a batch whose process stopped after
-- its commit but before it cleared the batch from Redis is not counted twice when another process
-- takes it up. Rows older than a day are removed by the flushes themselves.
ALTER TABLE repository ADD COLUMN pull_count bigint NOT NULL DEFAULT 0;

CREATE TABLE pull_stats_batch (
  id         text PRIMARY KEY,
  applied_at timestamptz NOT NULL DEFAULT now()
);
