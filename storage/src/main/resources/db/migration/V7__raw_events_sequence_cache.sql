-- seq's identity sequence kept H2's default cache of 32 values, and H2 commits a sequence each time
-- its cache runs out: one extra commit, written to the file before it returns (WRITE_DELAY 0), every
-- 32 raw events, which was half the time the live job spent storing them (docs/PERFORMANCE.md).
-- seq only orders events of equal ts; the values a crash skips leave gaps, which nothing reads.
ALTER TABLE raw_events ALTER COLUMN seq SET CACHE 100000;
