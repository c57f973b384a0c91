-- Palisade PostgreSQL store, schema 80: the scheduler pages through a campaign's pending devices by (stage, device_id)
-- (maintenance windows in each device's local time); this index makes each page a range instead of a sort.
CREATE INDEX campaign_devices_pending ON campaign_devices (campaign, state, stage, device_id);
DROP INDEX campaign_devices_by_state;
