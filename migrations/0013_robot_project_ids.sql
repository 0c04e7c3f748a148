-- Robot permissions on a named project carry the id of that project (`project_id` in each
-- permission of robot.permissions), which is what authorization now matches: a project deleted
-- and created again under the same name is another project, and an old robot's grant must not
-- reach it. The API still shows the name (`namespace`).
--
-- A project robot's permission is bound to its own project. A system robot's permission is bound
-- to the project of that name only if that project already existed when the robot's permissions
-- were last written (robot.updated_at): a project created afterwards took the name of one that
-- was deleted, and the grant was on that one. Grants on projects that are gone are dropped.
UPDATE robot r
   SET permissions = COALESCE((
         SELECT jsonb_agg(CASE WHEN p.id IS NULL THEN e ELSE e || jsonb_build_object('project_id', p.id) END ORDER BY n)
           FROM jsonb_array_elements(r.permissions) WITH ORDINALITY AS x(e, n)
           LEFT JOIN project p
             ON e->>'kind' = 'project' AND e->>'namespace' <> '*' AND p.name = e->>'namespace'
            AND (p.id = r.project_id OR (r.project_id IS NULL AND p.created_at <= r.updated_at))
          WHERE NOT (e->>'kind' = 'project' AND e->>'namespace' <> '*' AND p.id IS NULL)
       ), '[]'::jsonb)
 WHERE jsonb_typeof(r.permissions) = 'array';
