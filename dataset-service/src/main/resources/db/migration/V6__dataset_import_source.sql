-- Imports from a URL or another S3 store: the dataset is 'importing' while the service copies the
-- file in, and remembers where it came from (without query string or credentials).
alter table dataset drop constraint dataset_status_check;
alter table dataset add constraint dataset_status_check
    check (status in ('awaiting_upload', 'importing', 'validating', 'validated', 'rejected'));
alter table dataset add column source text;
-- the sweep finds imports that stopped with their instance
drop index dataset_status_since_idx;
create index dataset_status_since_idx on dataset (status, status_since)
    where status in ('awaiting_upload', 'importing', 'validating');
