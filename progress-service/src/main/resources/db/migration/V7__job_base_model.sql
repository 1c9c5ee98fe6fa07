-- Base models (issue 5): the base model a training job starts from, pinned by the scheduler as
-- name:version, from jobs.events. Null for a job without one, and for rows from before.
alter table job_view add column base_model text;
