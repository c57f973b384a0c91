-- Palisade embedded store, schema 3: when this ACS last set a device's ManagementServer.URL, and whether the
-- device's latest BOOTSTRAP was the one that change caused (the posture leaves those out of "unexpected").
ALTER TABLE devices ADD COLUMN acs_url_set_at INTEGER;
ALTER TABLE devices ADD COLUMN bootstrap_expected INTEGER NOT NULL DEFAULT 0 CHECK (bootstrap_expected IN (0, 1));
