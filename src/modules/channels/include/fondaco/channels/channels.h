// Channels: the registry of places that sell (the web shop, the till, the phone, Shopify,
// Amazon...). Every order belongs to one.
//
// A channel has a code (a lower-case slug, unique: "storefront", "pos", "shopify-it"), a
// kind (storefront, pos, phone, shopify, woocommerce, amazon, ebay, generic), a name, the
// prefix its order numbers carry ("WEB" → WEB-000001; unique, so every channel numbers on
// its own counter), the internal locations it sells from in priority order (empty: any
// warehouse, store or bin) and whether it is active. Orders are placed only for a known,
// active channel (checked in src/workflows/, which passes the prefix to orders and the
// location list to allocation; the orders module never includes this one).
//
// The migration seeds storefront (WEB), pos (POS), phone (TEL), shopify (SHP), woocommerce
// (WOO), amazon (AMZ) and ebay (EBY): the prefixes orders used before channels existed, so
// existing numbering continues. This module checks the location codes' syntax only; that
// they are internal locations that hold stock is checked by workflows::check_sales_locations
// against the inventory in the same transaction. Changes emit channel.created /
// channel.updated in their transaction. Functions take `now_ms`; nothing reads the clock.
// The stock policy (StockPolicy) decides what a channel is shown of the available quantity;
// publishable_quantity is the one place its arithmetic lives.
// Thread-safety: Channels holds no mutable state; use it from any thread.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "fondaco/base/page.h"
#include "fondaco/base/result.h"
#include "fondaco/events/event_log.h"
#include "fondaco/storage/database.h"
#include "fondaco/storage/migrations.h"

namespace fondaco::channels {

std::span<const storage::Migration> migrations();

enum class Kind { storefront, pos, phone, shopify, woocommerce, amazon, ebay, generic };
std::string_view to_string(Kind k);
std::optional<Kind> parse_kind(std::string_view s);

// What a channel is shown of the stock it may sell: keep buffer_units and buffer_percent %
// (rounded up) back, show at most max_listed, and show 0 once the available quantity is
// below stop_below. Every value is 0..limits::kMaxQuantity (buffer_percent 0..100).
struct StockPolicy {
  std::int64_t buffer_units = 0;
  std::int64_t buffer_percent = 0;
  std::optional<std::int64_t> max_listed = std::nullopt;  // none: no cap
  std::int64_t stop_below = 0;
  bool operator==(const StockPolicy&) const = default;
};

// The quantity to publish for `available` (the channel's locations' on hand − reserved):
// never negative and never above `available`.
std::int64_t publishable_quantity(const StockPolicy& policy, std::int64_t available);

struct ChannelInput {
  std::string code{};
  Kind kind = Kind::generic;
  std::string name{};
  std::optional<std::string> order_prefix{};  // none: the code in upper case
  std::vector<std::string> locations{};       // location codes, highest priority first
  bool active = true;
  StockPolicy policy{};
};

// Every member present is changed; `locations` replaces the whole list.
struct ChannelPatch {
  std::optional<Kind> kind;
  std::optional<std::string> name;
  std::optional<std::string> order_prefix;
  std::optional<std::vector<std::string>> locations;
  std::optional<bool> active;
  std::optional<std::int64_t> buffer_units;
  std::optional<std::int64_t> buffer_percent;
  std::optional<std::optional<std::int64_t>> max_listed;  // inner nullopt: remove the cap
  std::optional<std::int64_t> stop_below;
};

struct Channel {
  std::int64_t id = 0;
  std::string code;
  Kind kind = Kind::generic;
  std::string name;
  std::string order_prefix;
  std::vector<std::string> locations;
  bool active = true;
  StockPolicy policy{};
  std::int64_t created_at = 0;
  std::int64_t updated_at = 0;
};

using fondaco::Page;

class Channels {
 public:
  explicit Channels(events::EventLog& log) : log_(log) {}

  // invalid_argument naming the field; conflict ("code" or "order_prefix") when taken.
  Result<Channel> create(storage::Tx& tx, const ChannelInput& in, std::int64_t now_ms);
  // Reads need no event log (static). get: not_found naming "code".
  static Result<Channel> get(storage::Tx& tx, std::string_view code);
  static Result<std::optional<Channel>> find(storage::Tx& tx, std::string_view code);
  static Result<std::optional<Channel>> find_by_id(storage::Tx& tx, std::int64_t id);
  static Result<Page<Channel>> list(storage::Tx& tx, std::int64_t after_id, int limit);
  // Race-free: the channel row is locked (no-op update) before it is read and changed.
  Result<Channel> update(storage::Tx& tx, std::string_view code, const ChannelPatch& patch,
                         std::int64_t now_ms);

 private:
  Result<void> check_prefix_free(storage::Tx& tx, const std::string& prefix,
                                 std::optional<std::int64_t> except_id);
  Result<void> write_locations(storage::Tx& tx, std::int64_t id,
                               const std::vector<std::string>& codes);
  Result<void> emit(storage::Tx& tx, const char* type, const Channel& c, std::int64_t now_ms);

  events::EventLog& log_;
};

}  // namespace fondaco::channels
