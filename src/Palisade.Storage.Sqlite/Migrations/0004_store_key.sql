-- Palisade embedded store, schema 4: connection-request passwords are sealed with a key kept outside the database
-- (DATA/store.key). This row holds a value sealed with that key, so a wrong or missing key file is found at open,
-- not at the first device it fails to read.
CREATE TABLE store_key_check (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    canary BLOB NOT NULL
);
