-- What a retention run deleted in each repository, written in the transaction of each deletion:
-- a run taken again after its jobservice died (the queue's stalled-job recovery) reads it, so the
-- resumed run reports the repository as one uninterrupted run would have (counts, decision log,
-- the artifacts its TAG_RETENTION event names). Elements: {digest, tags, push_time (ms), line}.
ALTER TABLE retention_task ADD COLUMN deleted jsonb NOT NULL DEFAULT '[]';
