-- Palisade PostgreSQL store, schema 140: the last-inform time is indexed on devices again, and device_informs (schema
-- 130) goes. That table made a session's update of its device row heap-only, but its trigger and its own update cost
-- more than the index entries they saved: in fleet runs at 1,000 devices the cluster spent 0.64-0.73 CPU-ms per
-- session on 130 against 0.48-0.65 on 120 in four of five runs (perf put ~60 µs per session in the trigger), and at a
-- million devices its pages were read as often as the device indexes' leaves had been (docs/performance.md, "The
-- engine's store calls, and schema 130 taken back").
-- NULLS FIRST: the device search orders ascending with never-informed devices first, and descending (a backward scan)
-- with them last, so this index serves both (the index of schemas 1 to 120 put them last). IF NOT EXISTS: on a large
-- store, build it beforehand with CREATE INDEX CONCURRENTLY (docs/operations.md), and this only drops what goes.
CREATE INDEX IF NOT EXISTS devices_last_inform ON devices (last_inform_at NULLS FIRST, id);
DROP TRIGGER IF EXISTS devices_informs_update ON devices;
DROP TRIGGER IF EXISTS devices_informs_insert ON devices;
DROP FUNCTION IF EXISTS palisade_device_informs_update();
DROP FUNCTION IF EXISTS palisade_device_informs_insert();
DROP TABLE IF EXISTS device_informs;
