-- Palisade PostgreSQL store, schema 4: moveToHttps probes that arrived at any node, until the node that hears the
-- device's TransferComplete takes them (each once). Rows older than an hour are deleted as new ones come in.
CREATE TABLE probe_arrivals (
    task_id bigint PRIMARY KEY,
    arrived_at bigint NOT NULL
);
