-- Palisade embedded store, schema 5: finished tasks (done, faulted, cancelled, expired) are deleted once older
-- than the server's task history (30 days by default); this index finds them without reading queued ones.
CREATE INDEX tasks_finished ON tasks (updated_at) WHERE status <> 0;
