-- Input that did not parse, as collectors and the detection job sent it to culprit.deadletter, kept
-- for `culprit deadletters`. A dead letter has no id of its own: a row is keyed by the digest of its
-- JSON, so one redelivered after a restart lands on the key it already has. ts is when it was made
-- (epoch millis); file and file_offset say where the line was ('' and 0 when nobody knows).
CREATE TABLE dead_letters (
    digest      CHAR(64)      NOT NULL PRIMARY KEY,
    host        VARCHAR(255)  NOT NULL,
    source      VARCHAR(64)   NOT NULL,
    ts          BIGINT        NOT NULL,
    file        VARCHAR(4096) NOT NULL,
    file_offset BIGINT        NOT NULL,
    reason      VARCHAR(2000) NOT NULL,
    raw         CLOB          NOT NULL
);
CREATE INDEX dead_letters_ts ON dead_letters (ts);
