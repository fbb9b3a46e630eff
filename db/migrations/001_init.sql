-- The event log. `id` is the rowid and is assigned by the application (never AUTOINCREMENT), so
-- that ids stay gap-free: a rolled-back batch leaves nothing behind to skip over.
-- `json` is the tick exactly as it is sent to clients; replay writes these bytes as they are.
CREATE TABLE ticks (
  id     INTEGER PRIMARY KEY,
  symbol TEXT    NOT NULL,
  ts     INTEGER NOT NULL,
  json   TEXT    NOT NULL
);

-- Serves filtered replay (`symbol = ? AND id > ? ORDER BY id`) and the newest tick per symbol.
CREATE INDEX ticks_symbol_id ON ticks (symbol, id);

-- One row: the caller's opaque checkpoint, written in the same transaction as the batch it describes.
CREATE TABLE checkpoint (
  only  INTEGER PRIMARY KEY CHECK (only = 1),
  value TEXT    NOT NULL
);
