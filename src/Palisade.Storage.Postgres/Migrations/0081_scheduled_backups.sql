-- Palisade PostgreSQL store, schema 81 (the embedded store's migration 100): the configuration backups presets
-- schedule, one row per device and preset with the opening time of the window whose backup was last queued.
CREATE TABLE scheduled_backups (
    device_id text COLLATE "C" NOT NULL CHECK (length(device_id) <= 512),
    preset text COLLATE "C" NOT NULL CHECK (length(preset) <= 200),
    window_start bigint NOT NULL,
    PRIMARY KEY (device_id, preset)
);
