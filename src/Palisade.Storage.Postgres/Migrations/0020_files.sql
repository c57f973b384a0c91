-- Palisade PostgreSQL store, schema 20 (the embedded store's migration 30): the file store. Unlike the embedded store
-- the content lives in the database too, in 1 MiB chunks, so that every node serves every file.
CREATE TABLE file_contents (
    sha256 text COLLATE "C" PRIMARY KEY CHECK (length(sha256) = 64),
    size bigint NOT NULL CHECK (size >= 0)
);

CREATE TABLE file_chunks (
    sha256 text COLLATE "C" NOT NULL REFERENCES file_contents (sha256) ON DELETE CASCADE,
    seq integer NOT NULL,
    data bytea NOT NULL,
    PRIMARY KEY (sha256, seq)
);

CREATE TABLE files (
    name text COLLATE "C" PRIMARY KEY CHECK (length(name) <= 200),
    file_type text NOT NULL CHECK (length(file_type) <= 64),
    version text NOT NULL CHECK (length(version) <= 64),
    oui text CHECK (length(oui) <= 64),
    product_class text CHECK (length(product_class) <= 64),
    model_name text CHECK (length(model_name) <= 64),
    sha256 text COLLATE "C" NOT NULL REFERENCES file_contents (sha256),
    size bigint NOT NULL CHECK (size >= 0),
    signature text NOT NULL CHECK (length(signature) <= 4096),
    operator_signature text CHECK (length(operator_signature) <= 4096),
    device_id text COLLATE "C",
    created_at bigint NOT NULL,
    created_by text NOT NULL
);
CREATE INDEX files_by_sha256 ON files (sha256);
CREATE INDEX files_by_device ON files (device_id, created_at) WHERE device_id IS NOT NULL;
