-- Palisade embedded store, migration 10: devices an operator deleted and blocked. A blocked id may not enroll
-- again with the bootstrap credential (nor be stored again) until it is unblocked.
CREATE TABLE blocked_devices (
    id TEXT PRIMARY KEY,
    blocked_at INTEGER NOT NULL
) WITHOUT ROWID;
