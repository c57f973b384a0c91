-- Palisade embedded store, migration 120: operators' files by type, newest first, so that a CPE's RequestDownload finds
-- its file with one indexed query (IFileStore.FindFileForDeviceAsync) instead of reading the whole file list.
CREATE INDEX files_by_type ON files (file_type, created_at) WHERE device_id IS NULL;
