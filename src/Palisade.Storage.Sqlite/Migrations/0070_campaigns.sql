-- Palisade embedded store, migration 70: firmware campaigns and their devices. A device is in at most one campaign
-- that holds devices (draft, running, paused, halted): `active` is 1 while it does, and the partial unique index
-- refuses a second such row. Tasks are referenced by number only (the task history prunes them).
CREATE TABLE campaigns (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL CHECK (length(name) <= 100),
    file_name TEXT NOT NULL CHECK (length(file_name) <= 200),
    file_sha256 TEXT NOT NULL CHECK (length(file_sha256) = 64),
    version TEXT NOT NULL CHECK (length(version) <= 64),
    filter TEXT CHECK (length(filter) <= 4096),
    plan TEXT NOT NULL CHECK (length(plan) <= 8192),
    state INTEGER NOT NULL,
    halt_reason TEXT,
    stage INTEGER NOT NULL,
    created_at INTEGER NOT NULL,
    created_by TEXT NOT NULL,
    updated_at INTEGER NOT NULL
);
CREATE INDEX campaigns_by_file ON campaigns (file_name) WHERE state IN (0, 1, 2, 3);

CREATE TABLE campaign_devices (
    campaign INTEGER NOT NULL REFERENCES campaigns (id) ON DELETE CASCADE,
    device_id TEXT NOT NULL,
    stage INTEGER NOT NULL,
    state INTEGER NOT NULL,
    reason TEXT,
    task_id INTEGER,
    started_at INTEGER,
    finished_at INTEGER,
    active INTEGER NOT NULL,
    PRIMARY KEY (campaign, device_id)
) WITHOUT ROWID;
CREATE UNIQUE INDEX campaign_devices_one_active ON campaign_devices (device_id) WHERE active = 1;
CREATE INDEX campaign_devices_by_state ON campaign_devices (campaign, state, stage);
