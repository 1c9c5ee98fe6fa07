-- The schema the validation found in the file: tabular (numeric features + label) or text (text + label).
-- Null until validated, and for a file whose header could not be read.
alter table dataset add column kind varchar(20) check (kind in ('tabular', 'text'));
