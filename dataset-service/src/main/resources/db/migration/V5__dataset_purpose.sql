-- What a dataset is for: 'training' (labelled rows) or 'prediction' (inputs of a prediction job, labels optional).
alter table dataset add column purpose text not null default 'training';
