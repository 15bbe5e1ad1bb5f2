#include "fondaco/events/event_log.h"

namespace fondaco::events {
namespace {

constexpr storage::Migration kMigrations[] = {
    {1, "event log, counter, subscriber cursors",
     R"(
CREATE TABLE events (
  seq INTEGER PRIMARY KEY,
  type TEXT NOT NULL,
  aggregate TEXT NOT NULL,
  aggregate_id TEXT NOT NULL,
  payload TEXT NOT NULL,
  at INTEGER NOT NULL
) STRICT;
CREATE TABLE event_counter (
  id INTEGER PRIMARY KEY CHECK (id = 1),
  last_seq INTEGER NOT NULL
) STRICT;
INSERT INTO event_counter (id, last_seq) VALUES (1, 0);
CREATE TABLE event_cursors (
  subscriber TEXT PRIMARY KEY,
  last_seq INTEGER NOT NULL,
  updated_at INTEGER NOT NULL,
  last_error TEXT
) STRICT;
)",
     R"(
CREATE TABLE events (
  seq BIGINT PRIMARY KEY,
  type TEXT NOT NULL,
  aggregate TEXT NOT NULL,
  aggregate_id TEXT NOT NULL,
  payload TEXT NOT NULL,
  at BIGINT NOT NULL
);
CREATE TABLE event_counter (
  id BIGINT PRIMARY KEY CHECK (id = 1),
  last_seq BIGINT NOT NULL
);
INSERT INTO event_counter (id, last_seq) VALUES (1, 0);
CREATE TABLE event_cursors (
  subscriber TEXT PRIMARY KEY,
  last_seq BIGINT NOT NULL,
  updated_at BIGINT NOT NULL,
  last_error TEXT
);
)"},
};

}  // namespace

std::span<const storage::Migration> migrations() { return kMigrations; }

}  // namespace fondaco::events
