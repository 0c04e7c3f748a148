-- Harbor's repository description (PUT /projects/{p}/repositories/{r}): the one field of a
-- repository the API changes. Rows the registry creates on push start without one.
ALTER TABLE repository ADD COLUMN description text NOT NULL DEFAULT '';
