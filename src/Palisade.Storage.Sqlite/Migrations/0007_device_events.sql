-- Palisade embedded store, schema 7: each device's event history (Inform events but 2 PERIODIC, autonomous
-- transfers, deployment-unit changes), the latest 100 per device. Filters look events up by device, code and time.
CREATE TABLE device_events (
    id INTEGER PRIMARY KEY,
    device INTEGER NOT NULL REFERENCES devices (rowid) ON DELETE CASCADE,
    at INTEGER NOT NULL,
    code TEXT NOT NULL CHECK (length(code) <= 64),
    command_key TEXT CHECK (length(command_key) <= 64),
    detail TEXT CHECK (length(detail) <= 16384)
);
CREATE INDEX device_events_by_code ON device_events (device, code, at);
