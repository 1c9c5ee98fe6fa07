-- Prediction jobs (issue 5): the job's kind, the model version a prediction job predicts with, and
-- its predictions file, from jobs.events. A null kind is a row from before: training.
alter table job_view add column kind text;
alter table job_view add column model text;
alter table job_view add column model_version integer;
alter table job_view add column result_uri text;
