-- 001: initial schema. Times are epoch milliseconds (UTC); structured values are JSON text.
-- Indexes are kept to what queries and retention need: every extra index slows ingest.

-- Events: clustered by id (ULIDs, which sort by ingest time, so inserts append); one index on event time
-- for range queries and retention pruning.
CREATE TABLE events (
  id        TEXT PRIMARY KEY,
  time      INTEGER NOT NULL,
  ingested  INTEGER NOT NULL,
  tenant    TEXT NOT NULL,
  source    TEXT NOT NULL,
  product   TEXT,
  category  TEXT,
  service   TEXT,
  fields    TEXT NOT NULL,
  raw       TEXT
) WITHOUT ROWID;
CREATE INDEX events_time ON events (time);

CREATE TABLE alerts (
  id         TEXT PRIMARY KEY,
  tenant     TEXT NOT NULL,
  rule_id    TEXT NOT NULL,
  level      TEXT NOT NULL,
  time       INTEGER NOT NULL,
  status     TEXT NOT NULL,
  group_key  TEXT,
  rule       TEXT NOT NULL,
  event_ids  TEXT NOT NULL,
  entities   TEXT NOT NULL,
  why        TEXT NOT NULL,
  events     TEXT
);
CREATE INDEX alerts_time ON alerts (tenant, time);

-- Findings: one row per (tenant, kind, subject); collectors upsert.
CREATE TABLE findings (
  id          TEXT NOT NULL UNIQUE,
  tenant      TEXT NOT NULL,
  kind        TEXT NOT NULL,
  subject     TEXT NOT NULL,
  severity    TEXT NOT NULL,
  title       TEXT NOT NULL,
  detail      TEXT NOT NULL,
  evidence    TEXT NOT NULL,
  controls    TEXT NOT NULL,
  first_seen  INTEGER NOT NULL,
  last_seen   INTEGER NOT NULL,
  state       TEXT NOT NULL,
  status      TEXT NOT NULL,
  PRIMARY KEY (tenant, kind, subject)
);

-- Audit log: append-only, hash-chained. hash = sha256(prev_hash || canonical JSON of the row).
CREATE TABLE audit_log (
  seq        INTEGER PRIMARY KEY,
  time       INTEGER NOT NULL,
  actor      TEXT NOT NULL,
  action     TEXT NOT NULL,
  subject    TEXT NOT NULL,
  detail     TEXT NOT NULL,
  prev_hash  TEXT NOT NULL,
  hash       TEXT NOT NULL
);
-- The chain head, written in the same transaction as each append, so rows added or removed at the end
-- of the log are detected too.
CREATE TABLE audit_head (
  id    INTEGER PRIMARY KEY CHECK (id = 1),
  seq   INTEGER NOT NULL,
  hash  TEXT NOT NULL
);
-- Guard rails against accidental edits through the application's own connection. They do not stop an
-- attacker with write access to the file (who can drop them); the hash chain is what detects that.
CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
  BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
  BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;

-- File-tail checkpoints (and any other resumable reader).
CREATE TABLE checkpoints (
  key          TEXT PRIMARY KEY,
  offset       INTEGER NOT NULL,
  inode        TEXT,
  fingerprint  TEXT,
  updated      INTEGER NOT NULL
);

-- Idempotency keys of committed HTTP ingest batches: a retried batch with the same key is not stored twice.
CREATE TABLE ingest_batches (
  source     TEXT NOT NULL,
  key        TEXT NOT NULL,
  stored     INTEGER NOT NULL,
  committed  INTEGER NOT NULL,
  PRIMARY KEY (source, key)
) WITHOUT ROWID;
CREATE INDEX ingest_batches_committed ON ingest_batches (committed);
