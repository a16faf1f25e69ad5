-- Instants (when a load, batch, rejection or job run happened) become TIMESTAMPTZ, so
-- they mean the same moment whatever the host's zone; they are shown in the configured
-- zone with its offset. Existing naive values were written as wall time in the
-- configured zone, which is how the session (SET TimeZone) reads them in the casts.
-- Record times from the sources (received_at, closed_at, updated_at of petitions)
-- stay naive local time: metrics work on local calendar dates.
--
-- The tables are rebuilt rather than ALTERed: DuckDB cannot replay ALTER ... TYPE
-- from the WAL (store_test TestMigrationsReplayFromWAL), so a kill before the next
-- checkpoint would leave a file that no longer opens.
CREATE TABLE sources_0003 (
    source        VARCHAR PRIMARY KEY,
    kind          VARCHAR NOT NULL,
    mapped_fields VARCHAR[] NOT NULL,
    time_zone     VARCHAR,
    watermark     VARCHAR,
    updated_at    TIMESTAMPTZ
);
INSERT INTO sources_0003 SELECT source, kind, mapped_fields, time_zone, watermark, CAST(updated_at AS TIMESTAMPTZ) FROM sources;
DROP TABLE sources;
ALTER TABLE sources_0003 RENAME TO sources;

CREATE TABLE ingest_batches_0003 (
    batch_id     BIGINT PRIMARY KEY,
    source       VARCHAR NOT NULL,
    file         VARCHAR,
    content_hash VARCHAR,
    started_at   TIMESTAMPTZ NOT NULL,
    finished_at  TIMESTAMPTZ,
    status       VARCHAR NOT NULL,
    rows_read    BIGINT DEFAULT 0,
    inserted     BIGINT DEFAULT 0,
    updated      BIGINT DEFAULT 0,
    unchanged    BIGINT DEFAULT 0,
    rejected     BIGINT DEFAULT 0,
    warnings     BIGINT DEFAULT 0,
    error        VARCHAR
);
INSERT INTO ingest_batches_0003 SELECT batch_id, source, file, content_hash, CAST(started_at AS TIMESTAMPTZ), CAST(finished_at AS TIMESTAMPTZ),
    status, rows_read, inserted, updated, unchanged, rejected, warnings, error FROM ingest_batches;
DROP TABLE ingest_batches;
ALTER TABLE ingest_batches_0003 RENAME TO ingest_batches;

CREATE TABLE rejected_0003 (
    batch_id    BIGINT,
    source      VARCHAR NOT NULL,
    file        VARCHAR,
    row_number  BIGINT,
    petition_id VARCHAR,
    field       VARCHAR,
    reason      VARCHAR NOT NULL,
    severity    VARCHAR NOT NULL DEFAULT 'reject',
    value       VARCHAR,
    logged_at   TIMESTAMPTZ DEFAULT current_timestamp
);
INSERT INTO rejected_0003 SELECT batch_id, source, file, row_number, petition_id, field, reason, severity, value, CAST(logged_at AS TIMESTAMPTZ) FROM rejected;
DROP TABLE rejected;
ALTER TABLE rejected_0003 RENAME TO rejected;

CREATE TABLE job_runs_0003 (
    run_id      BIGINT PRIMARY KEY,
    job         VARCHAR NOT NULL,
    trigger     VARCHAR NOT NULL,
    started_at  TIMESTAMPTZ NOT NULL,
    finished_at TIMESTAMPTZ,
    status      VARCHAR NOT NULL,
    rows_in     BIGINT,
    rows_out    BIGINT,
    error       VARCHAR,
    detail      VARCHAR
);
INSERT INTO job_runs_0003 SELECT run_id, job, trigger, CAST(started_at AS TIMESTAMPTZ), CAST(finished_at AS TIMESTAMPTZ), status, rows_in, rows_out, error, detail FROM job_runs;
DROP TABLE job_runs;
ALTER TABLE job_runs_0003 RENAME TO job_runs;
