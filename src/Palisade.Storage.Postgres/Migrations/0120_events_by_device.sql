-- Palisade PostgreSQL store, schema 120: a device's event history is indexed by (device, id), with each event's code and
-- time in the index. Every session that records an event trims the history to the newest 100 (PgSessionCommit's
-- TrimEvents: find the 100th newest id, delete what is older). With the index on (device, code, at), finding that id
-- fetched every one of the device's events from the table and sorted them: once a history is full, a hundred rows on as
-- many pages, each written on another day. At a million devices those pages are not in memory, and that was a hundred
-- reads per session. Ordered by id, the trim reads the index alone (pages that VACUUM has marked all-visible need no
-- visit), and the delete visits only the page of the event it removes. The event filters (code and time window) and the
-- device's history page can use the same index (their plans were not looked at).
-- IF NOT EXISTS: on a large store the operator may build it first, without blocking writes
-- (CREATE INDEX CONCURRENTLY device_events_by_device ON device_events (device, id) INCLUDE (code, at)); see docs/operations.md.
CREATE INDEX IF NOT EXISTS device_events_by_device ON device_events (device, id) INCLUDE (code, at);
DROP INDEX IF EXISTS device_events_by_code;
