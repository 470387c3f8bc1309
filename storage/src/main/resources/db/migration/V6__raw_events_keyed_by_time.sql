-- Raw events were keyed by the digest of their JSON first: a random key, so every batch of a
-- thousand events changed a thousand pages of that index, and storing raw events was the live
-- job's bottleneck (docs/PERFORMANCE.md). An event's time is part of what its digest covers, so
-- (ts, digest, occurrence) is as unique, and with the time first a batch of new events lands on
-- the few pages at the index's end. That key also serves every query by time, so the separate
-- time index goes.
ALTER TABLE raw_events DROP PRIMARY KEY;
ALTER TABLE raw_events ADD PRIMARY KEY (ts, digest, occurrence);
DROP INDEX raw_events_ts;
