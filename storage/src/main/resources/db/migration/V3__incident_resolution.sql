-- Why an incident ended: its condition cleared, its host went silent, or the pipeline restarted
-- while it was open. NULL while the incident is open.
ALTER TABLE incidents ADD COLUMN resolution VARCHAR(200);
