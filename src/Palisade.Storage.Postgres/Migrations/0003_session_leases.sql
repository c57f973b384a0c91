-- Palisade PostgreSQL store, schema 3: which node's session holds a device, until when. A device is in at most one
-- session across the nodes sharing this database; a lease whose node died runs out by itself (the session timeout).
CREATE TABLE session_leases (
    device text COLLATE "C" PRIMARY KEY,
    holder text NOT NULL,
    expires_at bigint NOT NULL
);
