-- Staging tables shared by every metric; see docs/METRICS.md.
CREATE SCHEMA IF NOT EXISTS mart;
