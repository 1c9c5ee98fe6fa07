-- The trainer instance (its pod on Kubernetes) that reported on the job's current attempt, so a
-- job past the run-time limit can have its trainer's Kubernetes Job deleted.
alter table job add column worker text;
