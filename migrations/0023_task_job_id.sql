-- The jobservice dashboard finds a task by the queue job that runs it (stop a job, show its log).
CREATE INDEX task_job_id_idx ON task (job_id) WHERE job_id IS NOT NULL;
