-- The desk keeps its tickets in a database of its own, beside the assistant's store
-- (POSTGRES_DB): each is backed up and restored on its own (docs/deploy.md, "Backups").
-- Run once by the postgres image, when its data volume is first created.
CREATE DATABASE desk OWNER helpdesk;
