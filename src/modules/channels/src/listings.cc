#include "fondaco/channels/listings.h"

#include "fondaco/base/limits.h"
#include "fondaco/base/text.h"

namespace fondaco::channels {

using storage::Rows;
using storage::Tx;
using storage::Value;

namespace {

constexpr std::string_view kColumns =
    "channel_id, sku, external_sku, external_id, inventory_item_id, title, price_minor, active, "
    "created_at, updated_at";

ChannelListing listing_from(const Rows& r, std::size_t i) {
  ChannelListing l;
  l.channel_id = r.i64(i, 0);
  l.sku = r.text(i, 1);
  l.external_sku = r.text(i, 2);
  l.external_id = r.text(i, 3);
  l.inventory_item_id = r.text(i, 4);
  l.title = r.opt_text(i, 5);
  l.price_minor = r.opt_i64(i, 6);
  if (auto a = r.opt_i64(i, 7)) l.active = *a != 0;
  l.created_at = r.i64(i, 8);
  l.updated_at = r.i64(i, 9);
  return l;
}

// Channel identifiers are opaque to Fondaco (Shopify's gid://..., numeric ids, seller SKUs
// with spaces): printable UTF-8, bounded.
Result<void> check_external(const std::string& v, const char* field) {
  if (!is_valid_utf8(v) || has_control_chars(v) || utf8_length(v) > limits::kMaxExternalRefChars)
    return fail(ErrorCode::invalid_argument, "must be at most 128 printable characters", field);
  return ok();
}

Result<void> check_input(const ListingInput& in) {
  if (!is_valid_code(in.sku, limits::kMaxSkuChars))
    return fail(ErrorCode::invalid_argument,
                "must be 1-64 characters of letters, digits and . _ - /", "sku");
  FONDACO_TRY(check_external(in.external_sku, "external_sku"));
  FONDACO_TRY(check_external(in.external_id, "external_id"));
  FONDACO_TRY(check_external(in.inventory_item_id, "inventory_item_id"));
  if (in.title && (in.title->empty() || !is_valid_utf8(*in.title) || has_control_chars(*in.title) ||
                   utf8_length(*in.title) > limits::kMaxShortTextChars))
    return fail(ErrorCode::invalid_argument, "must be 1-255 characters", "title");
  if (in.price_minor && (*in.price_minor < 0 || *in.price_minor > limits::kMaxAmountMinor))
    return fail(ErrorCode::invalid_argument, "must be between 0 and 10000000000000", "price_minor");
  return ok();
}

Value opt_bool(const std::optional<bool>& b) {
  return b ? Value{std::int64_t{*b ? 1 : 0}} : storage::null_value();
}

}  // namespace

Result<std::optional<std::string>> sku_for_external(Tx& tx, std::int64_t channel_id,
                                                    std::string_view external_sku,
                                                    std::string_view external_id) {
  if (!external_id.empty()) {
    auto rows = FONDACO_TRY(tx.query(
        "SELECT sku FROM channel_listings WHERE channel_id = ? AND external_id = ? ORDER BY sku "
        "LIMIT 1",
        {channel_id, std::string(external_id)}));
    if (!rows.empty()) return std::optional<std::string>(rows.text(0, 0));
  }
  if (!external_sku.empty()) {
    auto rows = FONDACO_TRY(tx.query(
        "SELECT sku FROM channel_listings WHERE channel_id = ? AND external_sku = ? ORDER BY sku "
        "LIMIT 1",
        {channel_id, std::string(external_sku)}));
    if (!rows.empty()) return std::optional<std::string>(rows.text(0, 0));
  }
  return std::optional<std::string>{};
}

Result<std::pair<ChannelListing, bool>> Listings::upsert(Tx& tx, std::int64_t channel_id,
                                                         const ListingInput& in,
                                                         std::int64_t now_ms) {
  FONDACO_TRY(check_input(in));
  const std::string external_sku = in.external_sku.empty() ? in.sku : in.external_sku;
  const bool existed = FONDACO_TRY(find(tx, channel_id, in.sku)).has_value();
  FONDACO_TRY(
      tx.exec("INSERT INTO channel_listings (channel_id, sku, external_sku, external_id, "
              "inventory_item_id, title, price_minor, active, created_at, updated_at) "
              "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (channel_id, sku) DO UPDATE SET "
              "external_sku = excluded.external_sku, external_id = excluded.external_id, "
              "inventory_item_id = excluded.inventory_item_id, title = excluded.title, "
              "price_minor = excluded.price_minor, active = excluded.active, "
              "updated_at = excluded.updated_at",
              {channel_id, in.sku, external_sku, in.external_id, in.inventory_item_id,
               storage::opt_value(in.title), storage::opt_value(in.price_minor),
               opt_bool(in.active), now_ms, now_ms}));
  auto l = FONDACO_TRY(find(tx, channel_id, in.sku));
  if (!l) return fail(ErrorCode::internal, "listing vanished after upsert", "sku");
  return std::pair{std::move(*l), !existed};
}

Result<std::optional<ChannelListing>> Listings::find(Tx& tx, std::int64_t channel_id,
                                                     std::string_view sku) {
  auto rows = FONDACO_TRY(tx.query(
      "SELECT " + std::string(kColumns) + " FROM channel_listings WHERE channel_id = ? AND sku = ?",
      {channel_id, std::string(sku)}));
  if (rows.empty()) return std::optional<ChannelListing>{};
  return std::optional<ChannelListing>(listing_from(rows, 0));
}

Result<std::vector<ChannelListing>> Listings::list(Tx& tx, std::int64_t channel_id,
                                                   std::string_view after_sku, int limit) {
  auto rows = FONDACO_TRY(
      tx.query("SELECT " + std::string(kColumns) +
                   " FROM channel_listings WHERE channel_id = ? AND sku > ? ORDER BY sku LIMIT ?",
               {channel_id, std::string(after_sku), std::int64_t{limit}}));
  std::vector<ChannelListing> out;
  for (std::size_t i = 0; i < rows.size(); ++i) out.push_back(listing_from(rows, i));
  return out;
}

Result<std::vector<ChannelListing>> Listings::for_sku(Tx& tx, std::string_view sku) {
  auto rows = FONDACO_TRY(tx.query("SELECT " + std::string(kColumns) +
                                       " FROM channel_listings WHERE sku = ? ORDER BY channel_id",
                                   {std::string(sku)}));
  std::vector<ChannelListing> out;
  for (std::size_t i = 0; i < rows.size(); ++i) out.push_back(listing_from(rows, i));
  return out;
}

Result<void> Listings::remove(Tx& tx, std::int64_t channel_id, std::string_view sku) {
  const auto n =
      FONDACO_TRY(tx.exec("DELETE FROM channel_listings WHERE channel_id = ? AND sku = ?",
                          {channel_id, std::string(sku)}));
  if (n == 0) return fail(ErrorCode::not_found, "the channel does not list this SKU", "sku");
  FONDACO_TRY(
      tx.exec("DELETE FROM channel_sync WHERE channel_id = ? AND item = ? AND kind IN "
              "('stock', 'listing')",
              {channel_id, std::string(sku)}));
  return ok();
}

}  // namespace fondaco::channels
