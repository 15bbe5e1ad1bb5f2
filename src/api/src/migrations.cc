#include "fondaco/api/app.h"

namespace fondaco::api {
namespace {

constexpr storage::Migration kMigrations[] = {
    {1, "idempotency keys",
     R"(
CREATE TABLE idempotency_keys (
  token_id INTEGER NOT NULL,
  idem_key TEXT NOT NULL,
  request_hash TEXT NOT NULL,
  status INTEGER NOT NULL,
  content_type TEXT NOT NULL,
  location TEXT,
  body TEXT NOT NULL,
  stored INTEGER NOT NULL,
  created_at INTEGER NOT NULL,
  PRIMARY KEY (token_id, idem_key)
) STRICT;
CREATE INDEX idempotency_keys_created_idx ON idempotency_keys (created_at);
)",
     R"(
CREATE TABLE idempotency_keys (
  token_id BIGINT NOT NULL,
  idem_key TEXT NOT NULL,
  request_hash TEXT NOT NULL,
  status BIGINT NOT NULL,
  content_type TEXT NOT NULL,
  location TEXT,
  body TEXT NOT NULL,
  stored BIGINT NOT NULL,
  created_at BIGINT NOT NULL,
  PRIMARY KEY (token_id, idem_key)
);
CREATE INDEX idempotency_keys_created_idx ON idempotency_keys (created_at);
)"},
};

}  // namespace

std::span<const storage::Migration> migrations() { return kMigrations; }

}  // namespace fondaco::api
