-- The history store of continuous monitoring. One schema for H2 (PostgreSQL mode) and
-- PostgreSQL: standard types only (VARCHAR without a length is unbounded in PostgreSQL and
-- 1,000,000 characters in H2), no vendor functions. Timestamps are stored with microseconds.
-- docs/storage.md explains the tables and the finding lifecycle.

-- Every monitored cluster. Reconciles of one cluster lock its row, so they run one at a time.
CREATE TABLE clusters (
  cluster VARCHAR(253) NOT NULL PRIMARY KEY,
  created_at TIMESTAMP WITH TIME ZONE NOT NULL,
  last_reconcile_at TIMESTAMP WITH TIME ZONE,
  last_resync_at TIMESTAMP WITH TIME ZONE
);

-- Control metadata as it was at a control version: the evidence of a finding names the version.
CREATE TABLE controls (
  control_id VARCHAR(253) NOT NULL,
  control_version INTEGER NOT NULL,
  title VARCHAR NOT NULL,
  category VARCHAR(253) NOT NULL,
  remediation VARCHAR NOT NULL,
  frameworks_json VARCHAR NOT NULL,
  first_seen TIMESTAMP WITH TIME ZONE NOT NULL,
  PRIMARY KEY (control_id, control_version)
);

-- The frameworks a control version maps to (the framework filter of finding queries).
CREATE TABLE control_frameworks (
  framework VARCHAR(253) NOT NULL,
  control_id VARCHAR(253) NOT NULL,
  control_version INTEGER NOT NULL,
  PRIMARY KEY (framework, control_id, control_version),
  FOREIGN KEY (control_id, control_version) REFERENCES controls (control_id, control_version)
);

-- Resources that were evaluated, with how many findings each has now.
CREATE TABLE resources (
  cluster VARCHAR(253) NOT NULL REFERENCES clusters (cluster),
  api_group VARCHAR(253) NOT NULL,
  kind VARCHAR(253) NOT NULL,
  namespace VARCHAR(253) NOT NULL,
  name VARCHAR(253) NOT NULL,
  api_version VARCHAR(253) NOT NULL,
  resource_version VARCHAR(253),
  open_findings INTEGER NOT NULL,
  suppressed_findings INTEGER NOT NULL,
  first_seen TIMESTAMP WITH TIME ZONE NOT NULL,
  last_evaluated TIMESTAMP WITH TIME ZONE NOT NULL,
  PRIMARY KEY (cluster, api_group, kind, namespace, name)
);

-- One row per finding id and cluster, for the whole life of the finding.
-- status: OPEN, SUPPRESSED (under exception_id) or RESOLVED (resolved_at set).
-- The key starts with the finding id so that lookups of many ids use it. control_id and
-- control_version name a row of controls (written first, in the same transaction; no foreign
-- key, which would cost every insert a lookup).
-- Few indexes: every index costs each insert, and each resync rewrites last_seen.
CREATE TABLE findings (
  cluster VARCHAR(253) NOT NULL REFERENCES clusters (cluster),
  finding_id VARCHAR(64) NOT NULL,
  status VARCHAR(16) NOT NULL,
  control_id VARCHAR(253) NOT NULL,
  control_version INTEGER NOT NULL,
  severity VARCHAR(16) NOT NULL,
  severity_rank SMALLINT NOT NULL,
  api_group VARCHAR(253) NOT NULL,
  api_version VARCHAR(253) NOT NULL,
  kind VARCHAR(253) NOT NULL,
  namespace VARCHAR(253) NOT NULL,
  name VARCHAR(253) NOT NULL,
  field_path VARCHAR NOT NULL,
  value_json VARCHAR,
  message VARCHAR NOT NULL,
  origin_file VARCHAR,
  origin_line INTEGER NOT NULL,
  resource_version VARCHAR(253),
  also_json VARCHAR NOT NULL,
  exception_id VARCHAR(253),
  evidence_hash VARCHAR(64) NOT NULL,
  first_seen TIMESTAMP WITH TIME ZONE NOT NULL,
  last_seen TIMESTAMP WITH TIME ZONE NOT NULL,
  resolved_at TIMESTAMP WITH TIME ZONE,
  reopen_count INTEGER NOT NULL,
  revision INTEGER NOT NULL,
  PRIMARY KEY (finding_id, cluster),
  CONSTRAINT findings_status CHECK (status IN ('OPEN', 'SUPPRESSED', 'RESOLVED'))
);

-- The orders of the finding list behind their usual filters (cluster, status). Queries put the
-- filtered columns first in ORDER BY too, so that H2 also reads these indexes in order.
CREATE INDEX findings_by_severity ON findings (cluster, status, severity_rank, finding_id);
CREATE INDEX findings_by_first_seen ON findings (cluster, status, first_seen, finding_id);
CREATE INDEX findings_by_last_seen ON findings (cluster, status, last_seen, finding_id);
CREATE INDEX findings_by_control ON findings (cluster, status, control_id, finding_id);
CREATE INDEX findings_by_namespace ON findings (cluster, status, namespace, kind, name,
  api_group, finding_id);
CREATE INDEX findings_by_resource ON findings (cluster, namespace, kind, name, api_group,
  finding_id);
CREATE INDEX findings_all_by_severity ON findings (severity_rank, finding_id, cluster);

-- What free-text search scans: a narrow copy of each finding's filter columns and its
-- lower-case text (control id and title, namespace/kind/name, message, path). Scanning it reads
-- a fraction of the bytes that scanning findings would.
CREATE TABLE finding_search (
  finding_id VARCHAR(64) NOT NULL,
  cluster VARCHAR(253) NOT NULL,
  status VARCHAR(16) NOT NULL,
  severity_rank SMALLINT NOT NULL,
  namespace VARCHAR(253) NOT NULL,
  kind VARCHAR(253) NOT NULL,
  control_id VARCHAR(253) NOT NULL,
  control_version INTEGER NOT NULL,
  search_text VARCHAR NOT NULL,
  PRIMARY KEY (finding_id, cluster),
  FOREIGN KEY (finding_id, cluster) REFERENCES findings (finding_id, cluster)
);

-- Finding counts by cluster, status, severity, namespace and control version, kept by each
-- reconcile in its transaction: totals and grouped counts read these few rows instead of
-- counting findings (free-text search still counts findings).
CREATE TABLE finding_counts (
  cluster VARCHAR(253) NOT NULL,
  status VARCHAR(16) NOT NULL,
  severity_rank SMALLINT NOT NULL,
  namespace VARCHAR(253) NOT NULL,
  control_id VARCHAR(253) NOT NULL,
  control_version INTEGER NOT NULL,
  n BIGINT NOT NULL,
  PRIMARY KEY (cluster, status, severity_rank, namespace, control_id, control_version)
);

-- Lifecycle events: revision 1 is NEW; each later change of status adds one.
CREATE TABLE finding_events (
  cluster VARCHAR(253) NOT NULL,
  finding_id VARCHAR(64) NOT NULL,
  revision INTEGER NOT NULL,
  transition VARCHAR(16) NOT NULL,
  occurred_at TIMESTAMP WITH TIME ZONE NOT NULL,
  status VARCHAR(16) NOT NULL,
  exception_id VARCHAR(253),
  PRIMARY KEY (finding_id, cluster, revision),
  FOREIGN KEY (finding_id, cluster) REFERENCES findings (finding_id, cluster)
);
CREATE INDEX finding_events_by_time ON finding_events (cluster, occurred_at);

-- Posture snapshots for trends.
CREATE TABLE snapshots (
  snapshot_id BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
  cluster VARCHAR(253) NOT NULL REFERENCES clusters (cluster),
  taken_at TIMESTAMP WITH TIME ZONE NOT NULL,
  posture_score DOUBLE PRECISION,
  open_critical INTEGER NOT NULL,
  open_high INTEGER NOT NULL,
  open_medium INTEGER NOT NULL,
  open_low INTEGER NOT NULL,
  suppressed INTEGER NOT NULL
);
CREATE INDEX snapshots_by_time ON snapshots (cluster, taken_at);

CREATE TABLE snapshot_frameworks (
  snapshot_id BIGINT NOT NULL REFERENCES snapshots (snapshot_id) ON DELETE CASCADE,
  framework VARCHAR(253) NOT NULL,
  score DOUBLE PRECISION,
  passed INTEGER NOT NULL,
  failed INTEGER NOT NULL,
  not_applicable INTEGER NOT NULL,
  manual INTEGER NOT NULL,
  PRIMARY KEY (snapshot_id, framework)
);

CREATE TABLE snapshot_namespaces (
  snapshot_id BIGINT NOT NULL REFERENCES snapshots (snapshot_id) ON DELETE CASCADE,
  namespace VARCHAR(253) NOT NULL,
  open_critical INTEGER NOT NULL,
  open_high INTEGER NOT NULL,
  open_medium INTEGER NOT NULL,
  open_low INTEGER NOT NULL,
  PRIMARY KEY (snapshot_id, namespace)
);

-- Exceptions (accepted risks) managed through the API. Lists and labels are JSON text.
CREATE TABLE policy_exceptions (
  exception_id VARCHAR(64) NOT NULL PRIMARY KEY,
  clusters_json VARCHAR NOT NULL,
  controls_json VARCHAR NOT NULL,
  namespaces_json VARCHAR NOT NULL,
  kinds_json VARCHAR NOT NULL,
  names_json VARCHAR NOT NULL,
  labels_json VARCHAR NOT NULL,
  reason VARCHAR NOT NULL,
  owner VARCHAR NOT NULL,
  expires DATE NOT NULL,
  created_at TIMESTAMP WITH TIME ZONE NOT NULL,
  created_by VARCHAR NOT NULL,
  updated_at TIMESTAMP WITH TIME ZONE NOT NULL,
  updated_by VARCHAR NOT NULL,
  revision INTEGER NOT NULL
);
CREATE INDEX policy_exceptions_by_expiry ON policy_exceptions (expires);

-- Every change of an exception: who, when, and the exception before and after (JSON).
CREATE TABLE exception_audit (
  audit_id BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
  exception_id VARCHAR(64) NOT NULL,
  action VARCHAR(16) NOT NULL,
  actor VARCHAR NOT NULL,
  occurred_at TIMESTAMP WITH TIME ZONE NOT NULL,
  before_json VARCHAR,
  after_json VARCHAR
);
CREATE INDEX exception_audit_by_exception ON exception_audit (exception_id, audit_id);

-- The alert outbox: written in the transaction of the reconcile that produced the events, so
-- a restart loses none; one row per sink and event occurrence, so none is sent twice.
CREATE TABLE alert_outbox (
  alert_id BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
  sink VARCHAR(253) NOT NULL,
  cluster VARCHAR(253) NOT NULL,
  finding_id VARCHAR(64) NOT NULL,
  transition VARCHAR(16) NOT NULL,
  occurrence INTEGER NOT NULL,
  payload VARCHAR NOT NULL,
  state VARCHAR(16) NOT NULL,
  attempts INTEGER NOT NULL,
  created_at TIMESTAMP WITH TIME ZONE NOT NULL,
  next_attempt_at TIMESTAMP WITH TIME ZONE NOT NULL,
  claimed_until TIMESTAMP WITH TIME ZONE,
  delivered_at TIMESTAMP WITH TIME ZONE,
  last_error VARCHAR,
  CONSTRAINT alert_outbox_once UNIQUE (sink, cluster, finding_id, transition, occurrence),
  CONSTRAINT alert_outbox_state CHECK (state IN ('PENDING', 'CLAIMED', 'DELIVERED', 'DEAD'))
);
CREATE INDEX alert_outbox_due ON alert_outbox (sink, state, next_attempt_at);
