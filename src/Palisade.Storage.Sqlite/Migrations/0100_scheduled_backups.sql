-- Palisade embedded store, migration 100: the configuration backups presets schedule. One row per device and preset,
-- the opening time of the schedule window whose backup was last queued: a window gets one backup however many
-- sessions see it open. No foreign key (a row of a deleted device is harmless and small).
CREATE TABLE scheduled_backups (
    device_id TEXT NOT NULL CHECK (length(device_id) <= 512),
    preset TEXT NOT NULL CHECK (length(preset) <= 200),
    window_start INTEGER NOT NULL,
    PRIMARY KEY (device_id, preset)
) WITHOUT ROWID;
