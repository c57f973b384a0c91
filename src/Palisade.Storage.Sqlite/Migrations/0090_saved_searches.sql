-- Palisade embedded store, migration 90: device searches users keep under a name (the console's device list).
CREATE TABLE saved_searches (
    owner TEXT NOT NULL CHECK (length(owner) <= 200),
    name TEXT NOT NULL CHECK (length(name) <= 80),
    query TEXT NOT NULL CHECK (length(query) <= 2048),
    created_at INTEGER NOT NULL,
    PRIMARY KEY (owner, name)
) WITHOUT ROWID;
