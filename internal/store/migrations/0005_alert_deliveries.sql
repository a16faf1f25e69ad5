-- Alert delivery (SPEC §10): one row per alert and sink. A row is written (pending) before
-- any delivery is tried, so an alert is never lost once raised, even if a later build no
-- longer lists it; it becomes delivered exactly once per sink and a failed try stays
-- pending for the next run. cat_key = coalesce(category, '') (blank categories are NULL in
-- the marts and never '').
CREATE TABLE IF NOT EXISTS alert_deliveries (
    sink          VARCHAR NOT NULL,   -- the sink's name (config alerts.sinks[].name)
    week_start    DATE NOT NULL,
    unit_id       VARCHAR NOT NULL,
    kind          VARCHAR NOT NULL,   -- total, category, collective
    cat_key       VARCHAR NOT NULL,
    alert_id      VARCHAR NOT NULL,   -- the id sent to the sink (also the HTTP Idempotency-Key)
    level         VARCHAR NOT NULL,
    payload       VARCHAR NOT NULL,   -- the JSON delivered, fixed when first queued
    status        VARCHAR NOT NULL,   -- pending, delivered
    attempts      INTEGER NOT NULL DEFAULT 0,  -- tries made (HTTP requests, outbox writes)
    failures      INTEGER NOT NULL DEFAULT 0,  -- runs whose delivery failed
    queued_at     TIMESTAMP NOT NULL,
    last_try_at   TIMESTAMP,
    delivered_at  TIMESTAMP,
    last_error    VARCHAR,
    PRIMARY KEY (sink, week_start, unit_id, kind, cat_key)
);
