// Private to workflows/: what the order-to-cash steps share — reading an event's payload,
// running a step's transaction, the order an event is about.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "fondaco/platform/json.h"
#include "fondaco/workflows/order_to_cash.h"

namespace fondaco::workflows::o2c {

// An integer member of the event's JSON payload (internal: our own events), or none.
std::optional<std::int64_t> payload_int(const events::Event& e, std::string_view key);
std::optional<std::string> payload_string(const events::Event& e, std::string_view key);
// The aggregate id as a number (orders, shipments, payments, returns); 0 when not one.
std::int64_t aggregate_id(const events::Event& e);

// Runs a piece of a step in the step's transaction (the dispatcher's: see
// events::TxHandler), written as a lambda so the step reads as a unit.
template <typename F>
auto write(storage::Tx& tx, F&& f) {
  return std::forward<F>(f)(tx);
}

// A short note for the order's timeline naming what moved it.
inline std::string note_for(const events::Event& e) { return "automatic: " + e.type; }

}  // namespace fondaco::workflows::o2c
