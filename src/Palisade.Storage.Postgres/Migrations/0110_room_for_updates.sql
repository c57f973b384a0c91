-- Palisade PostgreSQL store, schema 110: room on every page of the two tables each session updates. An Inform rewrites
-- a few cached parameters and its device row. With full pages (fillfactor 100) the new version of a parameter goes to
-- another page with a new primary-key entry, and at a million devices that first touch after a bulk load or a long
-- quiet spell is most updates. With room, a parameter's update stays on its page with no new index entry (a heap-only
-- tuple), and its old version is pruned there on a later visit; the device row's new version (not heap-only: its
-- last-inform time is indexed) stays on its page too. It costs about a tenth more space.
-- Pages written before this migration get the room when the table is rewritten (VACUUM FULL, or pg_repack without a
-- lock); new pages get it at once.
ALTER TABLE parameters SET (fillfactor = 90);
ALTER TABLE devices SET (fillfactor = 90);
