-- Palisade PostgreSQL store, schema 70 (the embedded store's migration 90): device searches users keep under a name.
CREATE TABLE saved_searches (
    owner text COLLATE "C" NOT NULL CHECK (length(owner) <= 200),
    name text COLLATE "C" NOT NULL CHECK (length(name) <= 80),
    query text NOT NULL CHECK (length(query) <= 2048),
    created_at bigint NOT NULL,
    PRIMARY KEY (owner, name)
);
