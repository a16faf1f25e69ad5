-- Rows filtered out by a source's mapping.where rules: neither stored nor rejected.
-- skipped_by is JSON, rule -> rows that rule was the first to skip.
ALTER TABLE ingest_batches ADD COLUMN skipped BIGINT DEFAULT 0;
ALTER TABLE ingest_batches ADD COLUMN skipped_by VARCHAR;

-- Units derived from a source's records (units.from_source), one row per unit the
-- source's batches have seen; the units table is rebuilt from these (and the units
-- file) after each ingest, so a skipped unchanged file keeps its units.
CREATE TABLE IF NOT EXISTS derived_units (
    source    VARCHAR NOT NULL,
    unit_id   VARCHAR NOT NULL,
    name      VARCHAR NOT NULL,
    parent_id VARCHAR,
    PRIMARY KEY (source, unit_id)
);

-- Plausibility checks per source, recomputed after each ingest over the source's
-- stored records: rows = records failing the check, of total records it applies to.
CREATE TABLE IF NOT EXISTS data_quality (
    source     VARCHAR NOT NULL,
    check_id   VARCHAR NOT NULL,  -- closed_before_received, due_before_received, closed_equals_received
    rows       BIGINT NOT NULL,
    total      BIGINT NOT NULL,
    failing    BOOLEAN NOT NULL,  -- the check fails (a warning on the data-quality page)
    message    VARCHAR NOT NULL,
    checked_at TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (source, check_id)
);

-- Per source and mapped field, how many stored records have it blank (recomputed
-- with data_quality): a mapped field that is mostly blank is often a wrong column.
CREATE TABLE IF NOT EXISTS field_coverage (
    source     VARCHAR NOT NULL,
    field      VARCHAR NOT NULL,
    blank      BIGINT NOT NULL,
    total      BIGINT NOT NULL,
    checked_at TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (source, field)
);
