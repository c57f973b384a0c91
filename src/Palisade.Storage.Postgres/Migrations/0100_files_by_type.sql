-- Palisade PostgreSQL store, schema 100 (the embedded store's migration 120): operators' files by type, newest first,
-- so that a CPE's RequestDownload finds its file with one indexed query (IFileStore.FindFileForDeviceAsync).
CREATE INDEX files_by_type ON files (file_type, created_at) WHERE device_id IS NULL;
