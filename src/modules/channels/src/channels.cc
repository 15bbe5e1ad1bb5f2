#include "fondaco/channels/channels.h"

#include <algorithm>
#include <array>

#include "fondaco/base/limits.h"
#include "fondaco/base/text.h"
#include "fondaco/platform/json.h"

namespace fondaco::channels {

using storage::Rows;
using storage::Tx;
using storage::Value;

namespace {

constexpr std::array<std::string_view, 8> kKindNames = {
    "storefront", "pos", "phone", "shopify", "woocommerce", "amazon", "ebay", "generic"};

constexpr std::string_view kColumns =
    "id, code, kind, name, order_prefix, active, created_at, updated_at, buffer_units, "
    "buffer_percent, max_listed, stop_below";

Channel channel_from(const Rows& r, std::size_t i) {
  const StockPolicy policy{r.i64(i, 8), r.i64(i, 9), r.opt_i64(i, 10), r.i64(i, 11)};
  return Channel{r.i64(i, 0),      r.text(i, 1), parse_kind(r.text(i, 2)).value_or(Kind::generic),
                 r.text(i, 3),     r.text(i, 4), {},
                 r.i64(i, 5) != 0, policy,       r.i64(i, 6),
                 r.i64(i, 7)};
}

// Well-formed numbers outside what a policy can mean: 422 naming the field.
Result<void> check_policy_value(std::int64_t v, std::int64_t max, const char* field) {
  if (v < 0 || v > max)
    return fail(ErrorCode::unprocessable, "must be between 0 and " + std::to_string(max), field);
  return ok();
}

Result<void> check_policy(const StockPolicy& p) {
  FONDACO_TRY(check_policy_value(p.buffer_units, limits::kMaxQuantity, "buffer_units"));
  FONDACO_TRY(check_policy_value(p.buffer_percent, 100, "buffer_percent"));
  if (p.max_listed)
    FONDACO_TRY(check_policy_value(*p.max_listed, limits::kMaxQuantity, "max_listed"));
  FONDACO_TRY(check_policy_value(p.stop_below, limits::kMaxQuantity, "stop_below"));
  return ok();
}

Result<void> check_name(const std::string& name) {
  if (!is_valid_utf8(name) || has_control_chars(name) || name.empty() ||
      utf8_length(name) > limits::kMaxShortTextChars)
    return fail(ErrorCode::invalid_argument, "must be 1-255 characters", "name");
  return ok();
}

Result<void> check_prefix(const std::string& prefix) {
  if (!is_valid_order_prefix(prefix, limits::kMaxOrderPrefixChars))
    return fail(ErrorCode::invalid_argument,
                "must be 1-32 characters of upper-case letters, digits, _ and -, starting with "
                "a letter or digit",
                "order_prefix");
  return ok();
}

Result<void> check_locations(const std::vector<std::string>& codes) {
  if (codes.size() > limits::kMaxPlacementLocations)
    return fail(ErrorCode::invalid_argument, "at most 64 locations", "locations");
  for (std::size_t i = 0; i < codes.size(); ++i) {
    const std::string field = "locations[" + std::to_string(i) + "]";
    if (!is_valid_code(codes[i], limits::kMaxCodeChars))
      return fail(ErrorCode::invalid_argument, "must be a location code", field);
    if (std::find(codes.begin(), codes.begin() + static_cast<std::ptrdiff_t>(i), codes[i]) !=
        codes.begin() + static_cast<std::ptrdiff_t>(i))
      return fail(ErrorCode::invalid_argument, "listed twice", field);
  }
  return ok();
}

std::string upper(std::string_view s) {
  std::string out(s);
  for (auto& c : out)
    if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
  return out;
}

}  // namespace

std::int64_t publishable_quantity(const StockPolicy& p, std::int64_t available) {
  if (available <= 0 || available < p.stop_below) return 0;
  // Percent kept back is rounded up: a 10 % buffer on 5 units keeps 1, never 0.5 → 0.
  const std::int64_t percent_back = (available * p.buffer_percent + 99) / 100;
  std::int64_t q = available - p.buffer_units - percent_back;
  if (p.max_listed) q = std::min(q, *p.max_listed);
  return std::clamp<std::int64_t>(q, 0, available);
}

std::string_view to_string(Kind k) { return kKindNames[static_cast<std::size_t>(k)]; }

std::optional<Kind> parse_kind(std::string_view s) {
  for (std::size_t i = 0; i < kKindNames.size(); ++i)
    if (kKindNames[i] == s) return static_cast<Kind>(i);
  return std::nullopt;
}

Result<void> Channels::check_prefix_free(Tx& tx, const std::string& prefix,
                                         std::optional<std::int64_t> except_id) {
  auto rows =
      FONDACO_TRY(tx.query("SELECT id, code FROM channels WHERE order_prefix = ?", {prefix}));
  if (!rows.empty() && (!except_id || rows.i64(0, 0) != *except_id))
    return fail(ErrorCode::conflict, "order prefix already used by channel " + rows.text(0, 1),
                "order_prefix");
  return ok();
}

Result<void> Channels::write_locations(Tx& tx, std::int64_t id,
                                       const std::vector<std::string>& codes) {
  FONDACO_TRY(tx.exec("DELETE FROM channel_locations WHERE channel_id = ?", {id}));
  for (std::size_t i = 0; i < codes.size(); ++i)
    FONDACO_TRY(
        tx.exec("INSERT INTO channel_locations (channel_id, position, location) VALUES (?, ?, ?)",
                {id, static_cast<std::int64_t>(i), codes[i]}));
  return ok();
}

Result<void> Channels::emit(Tx& tx, const char* type, const Channel& c, std::int64_t now_ms) {
  json::Writer w;
  w.begin_object().kv("code", c.code).kv("kind", to_string(c.kind)).kv("name", c.name);
  w.kv("order_prefix", c.order_prefix).kv_bool("active", c.active).key("locations").begin_array();
  for (const auto& l : c.locations) w.str(l);
  w.end_array();
  w.kv("buffer_units", c.policy.buffer_units).kv("buffer_percent", c.policy.buffer_percent);
  w.kv("max_listed", c.policy.max_listed).kv("stop_below", c.policy.stop_below).end_object();
  FONDACO_TRY(log_.append(tx, type, "channel", c.code, w.take(), now_ms));
  return ok();
}

Result<Channel> Channels::create(Tx& tx, const ChannelInput& in, std::int64_t now_ms) {
  if (!is_valid_channel_code(in.code, limits::kMaxChannelChars))
    return fail(ErrorCode::invalid_argument,
                "must be 1-32 characters of lower-case letters, digits, _ and -", "code");
  FONDACO_TRY(check_name(in.name));
  const std::string prefix = in.order_prefix.value_or(upper(in.code));
  FONDACO_TRY(check_prefix(prefix));
  FONDACO_TRY(check_locations(in.locations));
  FONDACO_TRY(check_policy(in.policy));
  if (FONDACO_TRY(find(tx, in.code)))
    return fail(ErrorCode::conflict, "channel code already exists", "code");
  FONDACO_TRY(check_prefix_free(tx, prefix, std::nullopt));
  auto inserted = FONDACO_TRY(tx.query(
      "INSERT INTO channels (code, kind, name, order_prefix, active, created_at, updated_at, "
      "buffer_units, buffer_percent, max_listed, stop_below) "
      "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
      {in.code, std::string(to_string(in.kind)), in.name, prefix, std::int64_t{in.active ? 1 : 0},
       now_ms, now_ms, in.policy.buffer_units, in.policy.buffer_percent,
       storage::opt_value(in.policy.max_listed), in.policy.stop_below}));
  FONDACO_TRY(write_locations(tx, inserted.i64(0, 0), in.locations));
  Channel c = FONDACO_TRY(get(tx, in.code));
  FONDACO_TRY(emit(tx, "channel.created", c, now_ms));
  return c;
}

Result<std::optional<Channel>> Channels::find(Tx& tx, std::string_view code) {
  auto rows = FONDACO_TRY(tx.query(
      "SELECT " + std::string(kColumns) + " FROM channels WHERE code = ?", {std::string(code)}));
  if (rows.empty()) return std::optional<Channel>{};
  Channel c = channel_from(rows, 0);
  auto locs = FONDACO_TRY(tx.query(
      "SELECT location FROM channel_locations WHERE channel_id = ? ORDER BY position", {c.id}));
  for (std::size_t i = 0; i < locs.size(); ++i) c.locations.push_back(locs.text(i, 0));
  return std::optional<Channel>(std::move(c));
}

Result<std::optional<Channel>> Channels::find_by_id(Tx& tx, std::int64_t id) {
  auto rows = FONDACO_TRY(tx.query("SELECT code FROM channels WHERE id = ?", {id}));
  if (rows.empty()) return std::optional<Channel>{};
  return find(tx, rows.text(0, 0));
}

Result<Channel> Channels::get(Tx& tx, std::string_view code) {
  auto c = FONDACO_TRY(find(tx, code));
  if (!c) return fail(ErrorCode::not_found, "channel not found", "code");
  return std::move(*c);
}

Result<Page<Channel>> Channels::list(Tx& tx, std::int64_t after_id, int limit) {
  auto rows = FONDACO_TRY(tx.query(
      "SELECT " + std::string(kColumns) + " FROM channels WHERE id > ? ORDER BY id LIMIT ?",
      {after_id, std::int64_t{limit + 1}}));
  Page<Channel> page;
  for (std::size_t i = 0; i < rows.size() && static_cast<int>(i) < limit; ++i) {
    Channel c = channel_from(rows, i);
    auto locs = FONDACO_TRY(tx.query(
        "SELECT location FROM channel_locations WHERE channel_id = ? ORDER BY position", {c.id}));
    for (std::size_t j = 0; j < locs.size(); ++j) c.locations.push_back(locs.text(j, 0));
    page.items.push_back(std::move(c));
  }
  if (static_cast<int>(rows.size()) > limit) page.next_after = page.items.back().id;
  return page;
}

Result<Channel> Channels::update(Tx& tx, std::string_view code, const ChannelPatch& patch,
                                 std::int64_t now_ms) {
  if (patch.name) FONDACO_TRY(check_name(*patch.name));
  if (patch.order_prefix) FONDACO_TRY(check_prefix(*patch.order_prefix));
  if (patch.locations) FONDACO_TRY(check_locations(*patch.locations));
  // Lock first, then read: two concurrent PATCHes apply one after the other.
  FONDACO_TRY(
      tx.exec("UPDATE channels SET updated_at = updated_at WHERE code = ?", {std::string(code)}));
  Channel c = FONDACO_TRY(get(tx, code));
  if (patch.order_prefix && *patch.order_prefix != c.order_prefix) {
    FONDACO_TRY(check_prefix_free(tx, *patch.order_prefix, c.id));
    c.order_prefix = *patch.order_prefix;
  }
  if (patch.kind) c.kind = *patch.kind;
  if (patch.name) c.name = *patch.name;
  if (patch.active) c.active = *patch.active;
  if (patch.buffer_units) c.policy.buffer_units = *patch.buffer_units;
  if (patch.buffer_percent) c.policy.buffer_percent = *patch.buffer_percent;
  if (patch.max_listed) c.policy.max_listed = *patch.max_listed;
  if (patch.stop_below) c.policy.stop_below = *patch.stop_below;
  FONDACO_TRY(check_policy(c.policy));
  c.updated_at = now_ms;
  FONDACO_TRY(tx.exec(
      "UPDATE channels SET kind = ?, name = ?, order_prefix = ?, active = ?, updated_at = ?, "
      "buffer_units = ?, buffer_percent = ?, max_listed = ?, stop_below = ? WHERE id = ?",
      {std::string(to_string(c.kind)), c.name, c.order_prefix, std::int64_t{c.active ? 1 : 0},
       now_ms, c.policy.buffer_units, c.policy.buffer_percent,
       storage::opt_value(c.policy.max_listed), c.policy.stop_below, c.id}));
  if (patch.locations) {
    FONDACO_TRY(write_locations(tx, c.id, *patch.locations));
    c.locations = *patch.locations;
  }
  FONDACO_TRY(emit(tx, "channel.updated", c, now_ms));
  return c;
}

}  // namespace fondaco::channels
