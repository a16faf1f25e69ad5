-- The near-unique text columns of petitions (petition and matter ids, pseudonyms: the
-- fields marked NearUnique in internal/spec) are stored with FSST from the start. DuckDB otherwise tries a dictionary on every block of
-- them first, which such columns never take; the trial is paid on every load and every
-- rewrite. Low-cardinality columns keep DuckDB's own choice (a dictionary).
--
-- The table is rebuilt rather than ALTERed (see 0003: DuckDB cannot replay
-- ALTER ... TYPE from the WAL).
CREATE TABLE petitions_0007 (
    source             VARCHAR NOT NULL,
    petition_id        VARCHAR NOT NULL USING COMPRESSION fsst,
    received_at        TIMESTAMP NOT NULL,
    received_date      DATE NOT NULL,
    unit_id            VARCHAR NOT NULL,
    petitioner_id      VARCHAR USING COMPRESSION fsst,  -- pseudonym (HMAC-SHA-256), never raw
    matter_id          VARCHAR USING COMPRESSION fsst,
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
INSERT INTO petitions_0007 SELECT * FROM petitions;
DROP TABLE petitions;
ALTER TABLE petitions_0007 RENAME TO petitions;
