-- Incidents, their alerts and their culprits. Times are epoch milliseconds (event time).
CREATE TABLE incidents (
    id          VARCHAR(200) PRIMARY KEY,
    host        VARCHAR(255) NOT NULL,
    kind        VARCHAR(16)  NOT NULL,
    severity    VARCHAR(16)  NOT NULL,
    rule        VARCHAR(100) NOT NULL,
    start_ts    BIGINT       NOT NULL,
    end_ts      BIGINT,
    summary     VARCHAR(4000),
    updated_ts  BIGINT       NOT NULL
);
CREATE INDEX incidents_start ON incidents (start_ts);
CREATE INDEX incidents_host_kind ON incidents (host, kind, start_ts);

CREATE TABLE alerts (
    incident_id VARCHAR(200) NOT NULL REFERENCES incidents (id),
    state       VARCHAR(16)  NOT NULL,
    ts          BIGINT       NOT NULL,
    severity    VARCHAR(16)  NOT NULL,
    summary     VARCHAR(4000),
    payload     CLOB         NOT NULL,
    PRIMARY KEY (incident_id, state, ts)
);

CREATE TABLE culprits (
    incident_id VARCHAR(200) NOT NULL REFERENCES incidents (id),
    position    INT          NOT NULL,
    role        VARCHAR(32)  NOT NULL,
    name        VARCHAR(2000) NOT NULL,
    evidence    CLOB         NOT NULL,
    PRIMARY KEY (incident_id, position)
);
CREATE INDEX culprits_name ON culprits (name);

CREATE TABLE related_incidents (
    incident_id VARCHAR(200) NOT NULL REFERENCES incidents (id),
    related_id  VARCHAR(200) NOT NULL,
    PRIMARY KEY (incident_id, related_id)
);
