-- Palisade PostgreSQL store, schema 2 (the embedded store's migration 20): the provisioning policy (presets,
-- provisions, virtual parameters) and the provisioning faults of each device and channel.
CREATE TABLE presets (
    name text COLLATE "C" PRIMARY KEY CHECK (length(name) <= 128),
    document text NOT NULL,
    updated_at bigint NOT NULL,
    updated_by text NOT NULL
);

-- kind 1: provision, 2: virtual parameter.
CREATE TABLE scripts (
    kind integer NOT NULL,
    name text COLLATE "C" NOT NULL CHECK (length(name) <= 128),
    body text NOT NULL,
    sha256 text NOT NULL,
    updated_at bigint NOT NULL,
    updated_by text NOT NULL,
    PRIMARY KEY (kind, name)
);

-- One row: raised by every write of a preset or script, so that caches on other nodes can tell.
CREATE TABLE provisioning_revision (
    id integer PRIMARY KEY CHECK (id = 1),
    revision bigint NOT NULL
);
INSERT INTO provisioning_revision (id, revision) VALUES (1, 0);

-- Keyed by the device's text id, not its row: a device's first session may fault before the device is stored.
-- provisions is a JSON array of names, as in the embedded store.
CREATE TABLE channel_faults (
    device_id text COLLATE "C" NOT NULL,
    channel text COLLATE "C" NOT NULL CHECK (length(channel) <= 128),
    code text NOT NULL,
    message text NOT NULL,
    detail text,
    provisions text NOT NULL,
    retries integer NOT NULL,
    timestamp bigint NOT NULL,
    retry_at bigint NOT NULL,
    expires_at bigint NOT NULL,
    PRIMARY KEY (device_id, channel)
);
CREATE INDEX channel_faults_by_time ON channel_faults (timestamp);
CREATE INDEX channel_faults_by_expiry ON channel_faults (expires_at);

-- A deleted device takes its faults with it.
CREATE FUNCTION palisade_channel_faults_of_deleted_device() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    DELETE FROM channel_faults WHERE device_id = OLD.id;
    RETURN OLD;
END $$;
CREATE TRIGGER channel_faults_of_deleted_device AFTER DELETE ON devices FOR EACH ROW EXECUTE FUNCTION palisade_channel_faults_of_deleted_device();
