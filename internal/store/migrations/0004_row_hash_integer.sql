-- row_hash becomes a 64-bit integer (the first half of the xxh3-128 hash it held as
-- 32 hex digits): a random, incompressible 32-character string per record, costly
-- to load and store, only ever compared for equality. Stored hashes are
-- converted, not cleared, so the next ingest still tells unchanged rows from updated.
--
-- The table is rebuilt rather than ALTERed (see 0003: DuckDB cannot replay
-- ALTER ... TYPE from the WAL).
CREATE TABLE petitions_0004 (
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
    row_hash           UBIGINT,          -- hash of the canonical values, to tell unchanged from updated
    PRIMARY KEY (source, petition_id)
);
INSERT INTO petitions_0004 SELECT * EXCLUDE (row_hash), CAST('0x' || substr(row_hash, 1, 16) AS UBIGINT) FROM petitions;
DROP TABLE petitions;
ALTER TABLE petitions_0004 RENAME TO petitions;
