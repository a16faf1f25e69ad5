-- Raw layer: what the pipeline loads. Metric tables live in schema mart (queries/).
CREATE TABLE IF NOT EXISTS sources (
    source        VARCHAR PRIMARY KEY,  -- configured source name
    kind          VARCHAR NOT NULL,     -- csv, xlsx, jsonl, parquet, postgres, synthetic
    mapped_fields VARCHAR[] NOT NULL,   -- canonical fields this source maps ("tracked")
    time_zone     VARCHAR,
    watermark     VARCHAR,              -- last updated_at pulled (incremental sources)
    updated_at    TIMESTAMP
);

CREATE TABLE IF NOT EXISTS units (
    unit_id   VARCHAR PRIMARY KEY,
    name      VARCHAR NOT NULL,
    parent_id VARCHAR,
    level     VARCHAR,   -- ministry, province, city, county, facility
    sector    VARCHAR,   -- bureau, prison, rehab, community_correction, lawyer, notary, forensic, legal_aid, mediation, other
    staff     INTEGER
);

-- One row per (source, petition_id): the latest version. Times are local (naive) in
-- the configured zone; *_date columns are the local calendar dates metrics use.
CREATE TABLE IF NOT EXISTS petitions (
    source             VARCHAR NOT NULL,
    petition_id        VARCHAR NOT NULL,
    received_at        TIMESTAMP NOT NULL,
    received_date      DATE NOT NULL,
    unit_id            VARCHAR NOT NULL,
    petitioner_id      VARCHAR,          -- pseudonym (HMAC-SHA-256), never raw
    matter_id          VARCHAR,
    channel            VARCHAR,          -- letter, visit, online, phone, other
    category           VARCHAR,
    headcount          INTEGER,          -- NULL = blank (counts as 1)
    source_type        VARCHAR,          -- self, transferred, assigned, supervised
    feedback_due       DATE,
    feedback_at        DATE,
    accepted_at        DATE,
    due_at             DATE,
    extension_days     INTEGER,          -- 0..30 (capped at ingest)
    closed_at          TIMESTAMP,
    closed_date        DATE,
    justified          VARCHAR,          -- justified, partly, unjustified, undetermined
    satisfaction       VARCHAR,          -- satisfied, basically, unsatisfied, unrated
    followup_at        DATE,
    listed_supervision BOOLEAN,
    leader_owner       VARCHAR,
    handler_id         VARCHAR,
    mass_incident      BOOLEAN,
    traced_fault       BOOLEAN,
    updated_at         TIMESTAMP,
    batch_id           BIGINT,
    row_hash           VARCHAR,          -- hash of the canonical values, to tell unchanged from updated
    PRIMARY KEY (source, petition_id)
);

CREATE SEQUENCE IF NOT EXISTS batch_seq START 1;

CREATE TABLE IF NOT EXISTS ingest_batches (
    batch_id     BIGINT PRIMARY KEY,
    source       VARCHAR NOT NULL,
    file         VARCHAR,
    content_hash VARCHAR,
    started_at   TIMESTAMP NOT NULL,
    finished_at  TIMESTAMP,
    status       VARCHAR NOT NULL,   -- ok, failed, skipped
    rows_read    BIGINT DEFAULT 0,
    inserted     BIGINT DEFAULT 0,
    updated      BIGINT DEFAULT 0,
    unchanged    BIGINT DEFAULT 0,
    rejected     BIGINT DEFAULT 0,
    warnings     BIGINT DEFAULT 0,
    error        VARCHAR
);

-- Rejected records (severity 'reject') and field warnings (severity 'warning': the
-- record was stored with that field blank or capped). Raw personal values are redacted.
CREATE TABLE IF NOT EXISTS rejected (
    batch_id    BIGINT,
    source      VARCHAR NOT NULL,
    file        VARCHAR,
    row_number  BIGINT,
    petition_id VARCHAR,
    field       VARCHAR,
    reason      VARCHAR NOT NULL,
    severity    VARCHAR NOT NULL DEFAULT 'reject',
    value       VARCHAR,             -- offending value, redacted for personal fields
    logged_at   TIMESTAMP DEFAULT current_localtimestamp()
);

CREATE SEQUENCE IF NOT EXISTS job_run_seq START 1;

CREATE TABLE IF NOT EXISTS job_runs (
    run_id      BIGINT PRIMARY KEY,
    job         VARCHAR NOT NULL,
    trigger     VARCHAR NOT NULL,    -- schedule, manual, catch-up
    started_at  TIMESTAMP NOT NULL,
    finished_at TIMESTAMP,
    status      VARCHAR NOT NULL,    -- running, ok, failed, skipped, panic
    rows_in     BIGINT,
    rows_out    BIGINT,
    error       VARCHAR,
    detail      VARCHAR
);

CREATE SCHEMA IF NOT EXISTS mart;
