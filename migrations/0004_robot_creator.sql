-- Who created a robot, as Harbor's Robot model reports it: creator_type "local" (a user) or
-- "robot" (a robot holding robot-create permission), creator_ref that user's or robot's id.
-- robot.creator keeps the name, which outlives the account it names.
ALTER TABLE robot
  ADD COLUMN creator_type text NOT NULL DEFAULT 'local' CHECK (creator_type IN ('local', 'robot')),
  ADD COLUMN creator_ref  integer NOT NULL DEFAULT 0;

-- Project robot lists (GET /robots?q=Level=project,ProjectID=n) filter by project.
CREATE INDEX robot_project_idx ON robot (project_id) WHERE project_id IS NOT NULL;
