-- Palisade embedded store, schema 6: a device that accepts new ACS credentials with status 1 ("applied at the next
-- boot") keeps presenting its old one until it reboots; that credential stays valid for it alone until it first
-- authenticates with the new one. The new credential is in username/ha1_*; the old one waits here.
ALTER TABLE devices ADD COLUMN previous_username TEXT;
ALTER TABLE devices ADD COLUMN previous_ha1_md5 BLOB;
ALTER TABLE devices ADD COLUMN previous_ha1_sha256 BLOB;
