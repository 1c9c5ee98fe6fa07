-- Multipart uploads, asynchronous validation, statistics, content checksums and event sequences.
alter table dataset drop constraint dataset_status_check;
alter table dataset add constraint dataset_status_check
    check (status in ('awaiting_upload', 'validating', 'validated', 'rejected'));

-- The S3 multipart upload in progress (null for a single presigned PUT or once completed).
alter table dataset add column upload_id varchar(1024);
-- What the client declared at creation: size (null when it did not say) and content type.
alter table dataset add column declared_bytes bigint;
alter table dataset add column content_type varchar(255);
-- The part plan of a multipart upload.
alter table dataset add column part_size bigint;
alter table dataset add column part_count integer;
-- What validation learned beyond rows and columns.
alter table dataset add column format varchar(20);
alter table dataset add column class_counts jsonb;
alter table dataset add column sha256 char(64);
-- The earlier dataset of the owner with the same content, whose object this one shares.
alter table dataset add column duplicate_of uuid;
-- The last sequence number published on datasets.events for this dataset.
alter table dataset add column sequence bigint not null default 0;
-- The sweep finds abandoned uploads and stuck validations by this.
alter table dataset add column status_since timestamptz;
update dataset set status_since = updated_at;
alter table dataset alter column status_since set not null;

-- The same content uploaded again by the same owner is found by its checksum.
create index dataset_owner_sha256_idx on dataset (owner, sha256) where sha256 is not null;
create index dataset_status_since_idx on dataset (status, status_since) where status in ('awaiting_upload', 'validating');
