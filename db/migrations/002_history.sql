-- The history this log holds (its epoch): one row, a random token given to a fresh log when it is
-- opened and replaced only when a follower starts over on the cluster's history. Two logs with
-- the same epoch hold one history: for every id both hold, the same tick.
CREATE TABLE history (
  only  INTEGER PRIMARY KEY CHECK (only = 1),
  epoch TEXT    NOT NULL
);
