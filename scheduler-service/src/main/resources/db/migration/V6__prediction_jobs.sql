-- Prediction jobs (issue 5): a job of kind 'prediction' predicts every row of a dataset with one
-- model version on the cpu lane and stores the predictions as a file.
alter table job add column kind text not null default 'training';
alter table job add column model_version integer;
alter table job add column model_uri text;
alter table job add column result_uri text;

-- A prediction job checks the dataset's columns against the model's inputs when it is submitted.
alter table dataset add column purpose text;
alter table dataset add column columns jsonb;
