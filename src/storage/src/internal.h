// Private to storage/: what the engine adapters share.
#pragma once

#include <cstdint>
#include <memory>
#include <string_view>

#include "fondaco/storage/database.h"

namespace fondaco::storage::internal {

// Records one commit's latency in the fondaco_db_commit_seconds histogram.
void record_commit(Engine engine, std::int64_t micros);

// How many times a transaction that failed for a transient reason is attempted in all.
inline constexpr int kMaxTxAttempts = 5;

Result<std::unique_ptr<Database>> open_sqlite(std::string_view path, const Options& options);
Result<std::unique_ptr<Database>> open_postgres(std::string_view url, const Options& options);

}  // namespace fondaco::storage::internal
