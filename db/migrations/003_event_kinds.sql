-- The log holds market events of several kinds (market model v2): `tick` (a trade print), `quote`
-- and `status`, under one id sequence. Rows written before this migration are all ticks. A status
-- event is market-wide: its `symbol` is '' (so the (symbol, id) index also finds status events).
-- Adding a column with a constant default rewrites nothing: it is instant on a log of any size.
ALTER TABLE ticks ADD COLUMN kind TEXT NOT NULL DEFAULT 'tick';
