-- Palisade PostgreSQL store, schema 130: the last-inform time is indexed in a narrow table of its own, so that a
-- session's update of its device row is heap-only. Every periodic Inform changes the device's last_inform_at; while
-- devices had an index on it, no update of a device row could stay heap-only, and each wrote a new entry into every
-- index of the table (its key, its identifier, its registration time and its last inform); at a million devices their
-- leaves were read 0.7 times per session (docs/performance.md, "The periodic session as the engine runs it"). Now the
-- row changes on its page, and only this table's row (a device's key, identifier and last inform) and its two indexes
-- change. Triggers keep it: a device's row is added with the device, follows every change of its last inform, and goes
-- with it (ON DELETE CASCADE). devices.last_inform_at stays what the store reads; the device search sorts by this
-- table's index, and lastInform filters that can use it do (PostgresFilter).
-- Its own updates are not heap-only (the time is indexed here); room on each page keeps a row's new version beside
-- the old one, where the next visit prunes it.
CREATE TABLE device_informs (
    device bigint PRIMARY KEY REFERENCES devices (key) ON DELETE CASCADE,
    id text COLLATE "C" NOT NULL,
    last_inform_at bigint
) WITH (fillfactor = 70);

CREATE FUNCTION palisade_device_informs_insert() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO device_informs (device, id, last_inform_at) VALUES (NEW.key, NEW.id, NEW.last_inform_at);
    RETURN NULL;
END $$;

CREATE FUNCTION palisade_device_informs_update() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE device_informs SET last_inform_at = NEW.last_inform_at WHERE device = NEW.key;
    RETURN NULL;
END $$;

CREATE TRIGGER devices_informs_insert AFTER INSERT ON devices
    FOR EACH ROW EXECUTE FUNCTION palisade_device_informs_insert();
CREATE TRIGGER devices_informs_update AFTER UPDATE OF last_inform_at ON devices
    FOR EACH ROW WHEN (OLD.last_inform_at IS DISTINCT FROM NEW.last_inform_at) EXECUTE FUNCTION palisade_device_informs_update();

-- The triggers exist before the copy, in this transaction, which holds the devices table against writers until it
-- commits: no write falls between the copy and the triggers.
INSERT INTO device_informs (device, id, last_inform_at) SELECT key, id, last_inform_at FROM devices;
-- NULLS FIRST: the device search orders ascending with never-informed devices first, and descending (a backward scan)
-- with them last.
CREATE INDEX device_informs_by_time ON device_informs (last_inform_at NULLS FIRST, id);
DROP INDEX IF EXISTS devices_last_inform;
