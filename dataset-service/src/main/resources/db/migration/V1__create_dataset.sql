-- One row per dataset. The bytes live in the object store under object_key; this row holds
-- what validation learned about them.
create table dataset (
    id          uuid         primary key,
    owner       varchar(255) not null,
    name        varchar(100) not null,
    status      varchar(20)  not null check (status in ('awaiting_upload', 'validated', 'rejected')),
    object_key  varchar(255) not null,
    rows        bigint,
    bytes       bigint,
    columns     jsonb,
    problems    jsonb        not null default '[]',
    created_at  timestamptz  not null,
    updated_at  timestamptz  not null,
    constraint dataset_owner_name_key unique (owner, name)
);

-- GET /datasets lists an owner's datasets newest first.
create index dataset_owner_created_at_idx on dataset (owner, created_at desc);
