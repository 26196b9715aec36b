-- The dashboard counts a cluster's lifecycle events per transition over a time range
-- (Store.countEvents): with the transition in the index the count reads only the index, not
-- one table row per event (100,000 events in a day: from about 2 s to about 0.1 s on H2).
CREATE INDEX finding_events_by_time_transition ON finding_events (cluster, occurred_at,
  transition);
