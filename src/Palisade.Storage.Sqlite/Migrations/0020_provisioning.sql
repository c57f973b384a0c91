-- Palisade embedded store, migration 20: the provisioning policy (presets, provisions, virtual parameters) and the
-- provisioning faults of each device and channel.
CREATE TABLE presets (
    name TEXT PRIMARY KEY CHECK (length(name) <= 128),
    document TEXT NOT NULL,
    updated_at INTEGER NOT NULL,
    updated_by TEXT NOT NULL
) WITHOUT ROWID;

-- kind 1: provision, 2: virtual parameter.
CREATE TABLE scripts (
    kind INTEGER NOT NULL,
    name TEXT NOT NULL CHECK (length(name) <= 128),
    body TEXT NOT NULL,
    sha256 TEXT NOT NULL,
    updated_at INTEGER NOT NULL,
    updated_by TEXT NOT NULL,
    PRIMARY KEY (kind, name)
) WITHOUT ROWID;

-- One row: raised by every write of a preset or script, so that caches on other nodes can tell.
CREATE TABLE provisioning_revision (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    revision INTEGER NOT NULL
);
INSERT INTO provisioning_revision (id, revision) VALUES (1, 0);

-- Keyed by the device's text id, not its row: a device's first session may fault before the device is stored.
CREATE TABLE channel_faults (
    device_id TEXT NOT NULL,
    channel TEXT NOT NULL CHECK (length(channel) <= 128),
    code TEXT NOT NULL,
    message TEXT NOT NULL,
    detail TEXT,
    provisions TEXT NOT NULL,
    retries INTEGER NOT NULL,
    timestamp INTEGER NOT NULL,
    retry_at INTEGER NOT NULL,
    expires_at INTEGER NOT NULL,
    PRIMARY KEY (device_id, channel)
) WITHOUT ROWID;
CREATE INDEX channel_faults_by_time ON channel_faults (timestamp);
CREATE INDEX channel_faults_by_expiry ON channel_faults (expires_at);

-- A deleted device takes its faults with it.
CREATE TRIGGER channel_faults_of_deleted_device AFTER DELETE ON devices
BEGIN
    DELETE FROM channel_faults WHERE device_id = OLD.id;
END;
