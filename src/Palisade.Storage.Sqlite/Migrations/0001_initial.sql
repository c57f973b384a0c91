-- Palisade embedded store, schema 1. Designed for a million devices with thousands of cached
-- parameters each: parameter paths and type names are interned, so a cached parameter row is
-- (device rowid, path id, value, type id, writable, notification, access list, read time).
CREATE TABLE devices (
    rowid INTEGER PRIMARY KEY,
    id TEXT NOT NULL UNIQUE,
    oui TEXT NOT NULL,
    product_class TEXT NOT NULL,
    serial_number TEXT NOT NULL,
    manufacturer TEXT NOT NULL,
    registered_at INTEGER NOT NULL,
    last_inform_at INTEGER,
    last_boot_at INTEGER,
    last_bootstrap_at INTEGER,
    last_events TEXT NOT NULL DEFAULT '',
    cwmp_version TEXT,
    remote_address TEXT,
    transport TEXT,
    auth_method TEXT,
    data_model_root TEXT,
    username TEXT,
    ha1_md5 BLOB,
    ha1_sha256 BLOB,
    enrolled INTEGER NOT NULL DEFAULT 0,
    certificate_thumbprint TEXT,
    cr_url TEXT,
    cr_username TEXT,
    cr_password TEXT,
    cr_udp_address TEXT,
    periodic_interval INTEGER,
    acs_url TEXT,
    software_version TEXT
);
CREATE INDEX devices_last_inform ON devices (last_inform_at);

CREATE TABLE paths (
    id INTEGER PRIMARY KEY,
    path TEXT NOT NULL UNIQUE CHECK (length(path) <= 1024)
);

CREATE TABLE types (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL UNIQUE CHECK (length(name) <= 64)
);

CREATE TABLE parameters (
    device INTEGER NOT NULL,
    path INTEGER NOT NULL,
    value TEXT CHECK (value IS NULL OR length(value) <= 65536),
    type INTEGER,
    writable INTEGER,
    notification INTEGER,
    access_list TEXT,
    read_at INTEGER,
    PRIMARY KEY (device, path)
) WITHOUT ROWID;

CREATE TABLE tags (
    tag TEXT NOT NULL CHECK (length(tag) <= 128),
    device INTEGER NOT NULL,
    PRIMARY KEY (tag, device)
) WITHOUT ROWID;
CREATE INDEX tags_device ON tags (device);

CREATE TABLE tasks (
    id INTEGER PRIMARY KEY,
    device INTEGER NOT NULL,
    name TEXT NOT NULL,
    payload TEXT NOT NULL CHECK (length(payload) <= 4194304),
    status INTEGER NOT NULL,
    created_at INTEGER NOT NULL,
    expires_at INTEGER,
    attempts INTEGER NOT NULL DEFAULT 0,
    updated_at INTEGER,
    result TEXT,
    fault_code INTEGER,
    fault_string TEXT,
    fault_detail TEXT
);
CREATE INDEX tasks_device_status ON tasks (device, status, id);
