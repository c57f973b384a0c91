-- Palisade embedded store, migration 30: the file store's metadata. Content lives in the data folder (files/<sha256>),
-- written to a temporary file and renamed into place, once per distinct content.
CREATE TABLE files (
    name TEXT PRIMARY KEY CHECK (length(name) <= 200),
    file_type TEXT NOT NULL CHECK (length(file_type) <= 64),
    version TEXT NOT NULL CHECK (length(version) <= 64),
    oui TEXT CHECK (length(oui) <= 64),
    product_class TEXT CHECK (length(product_class) <= 64),
    model_name TEXT CHECK (length(model_name) <= 64),
    sha256 TEXT NOT NULL CHECK (length(sha256) = 64),
    size INTEGER NOT NULL CHECK (size >= 0),
    signature TEXT NOT NULL CHECK (length(signature) <= 4096),
    operator_signature TEXT CHECK (length(operator_signature) <= 4096),
    device_id TEXT,
    created_at INTEGER NOT NULL,
    created_by TEXT NOT NULL
) WITHOUT ROWID;
CREATE INDEX files_by_sha256 ON files (sha256);
CREATE INDEX files_by_device ON files (device_id, created_at) WHERE device_id IS NOT NULL;
