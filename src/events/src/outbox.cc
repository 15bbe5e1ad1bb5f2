#include <chrono>

#include "fondaco/events/event_log.h"

namespace fondaco::events {

namespace {

struct PendingEvent {
  std::string type, aggregate, aggregate_id, payload;
  std::int64_t at = 0;
};

// The events a transaction has appended, written by flush() just before COMMIT.
class PendingEvents final : public storage::Tx::Deferred {
 public:
  void add(PendingEvent e) { events_.push_back(std::move(e)); }

  Result<void> flush(storage::Tx& tx) override {
    const auto n = static_cast<std::int64_t>(events_.size());
    if (n == 0) return {};
    // The counter row is the serialisation point that makes seq gap-free and commit-ordered.
    auto rows = FONDACO_TRY(tx.query(
        "UPDATE event_counter SET last_seq = last_seq + ? WHERE id = 1 RETURNING last_seq", {n}));
    if (rows.empty()) return fail(ErrorCode::internal, "event counter row is missing");
    std::int64_t seq = rows.i64(0, 0) - n + 1;
    // Chunks of 32, 16, ... 1 rows: few distinct statements to prepare and cache.
    std::size_t i = 0;
    for (std::size_t chunk = 32; chunk > 0; chunk /= 2) {
      while (events_.size() - i >= chunk) {
        std::string sql = "INSERT INTO events (seq, type, aggregate, aggregate_id, payload, at) VALUES ";
        std::vector<storage::Value> params;
        params.reserve(chunk * 6);
        for (std::size_t k = 0; k < chunk; ++k, ++i, ++seq) {
          sql += k == 0 ? "(?, ?, ?, ?, ?, ?)" : ", (?, ?, ?, ?, ?, ?)";
          auto& e = events_[i];
          params.insert(params.end(), {seq, std::move(e.type), std::move(e.aggregate),
                                       std::move(e.aggregate_id), std::move(e.payload), e.at});
        }
        FONDACO_TRY(tx.exec(sql, std::span<const storage::Value>(params)));
      }
    }
    events_.clear();
    return {};
  }

  std::size_t mark() const override { return events_.size(); }
  void rollback_to(std::size_t mark) override {
    if (mark < events_.size()) events_.resize(mark);
  }

 private:
  std::vector<PendingEvent> events_;
};

}  // namespace

Result<void> EventLog::append(storage::Tx& tx, std::string_view type, std::string_view aggregate,
                              std::string_view aggregate_id, std::string payload_json,
                              std::int64_t at_ms) {
  auto* pending = static_cast<PendingEvents*>(tx.deferred(this));
  if (!pending)
    pending = static_cast<PendingEvents*>(&tx.set_deferred(this, std::make_unique<PendingEvents>()));
  pending->add({std::string(type), std::string(aggregate), std::string(aggregate_id),
                std::move(payload_json), at_ms});
  if (listeners_.empty()) {
    tx.after_commit([this] { notify(); });
  } else {
    tx.after_commit([this, t = std::string(type), a = std::string(aggregate),
                     id = std::string(aggregate_id)] {
      for (const auto& listener : listeners_) listener(t, a, id);
      notify();
    });
  }
  return {};
}

Result<std::vector<Event>> EventLog::read_after(storage::Tx& tx, std::int64_t after, int limit) {
  auto rows = FONDACO_TRY(tx.query(
      "SELECT seq, type, aggregate, aggregate_id, payload, at FROM events "
      "WHERE seq > ? ORDER BY seq LIMIT ?",
      {after, std::int64_t{limit}}));
  std::vector<Event> out;
  out.reserve(rows.size());
  for (std::size_t i = 0; i < rows.size(); ++i)
    out.push_back(Event{rows.i64(i, 0), rows.text(i, 1), rows.text(i, 2), rows.text(i, 3),
                        rows.text(i, 4), rows.i64(i, 5)});
  return out;
}

Result<std::int64_t> EventLog::last_seq(storage::Tx& tx) {
  auto rows = FONDACO_TRY(tx.query("SELECT last_seq FROM event_counter WHERE id = 1"));
  return rows.empty() ? 0 : rows.i64(0, 0);
}

void EventLog::notify() {
  {
    std::lock_guard lock(mu_);
    notified_.fetch_add(1);
  }
  cv_.notify_all();
}

std::uint64_t EventLog::wait(std::uint64_t seen, int timeout_ms) {
  std::unique_lock lock(mu_);
  cv_.wait_for(lock, std::chrono::milliseconds(timeout_ms),
               [&] { return notified_.load() != seen; });
  return notified_.load();
}

}  // namespace fondaco::events
