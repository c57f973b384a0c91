-- Palisade PostgreSQL store, schema 90: a lease row is kept and updated in place (PostgresSessionLeases), no longer
-- inserted and deleted by every session. Room on each page lets those updates stay on the row's page (heap-only
-- tuples: no new index entry), and lets PostgreSQL prune the old versions there without a vacuum.
ALTER TABLE session_leases SET (fillfactor = 50);
