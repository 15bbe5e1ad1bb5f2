// Carts: the rows behind a stock hold that may become an order (see orders.h).
#include <array>

#include "fondaco/base/limits.h"
#include "fondaco/base/text.h"
#include "fondaco/orders/orders.h"
#include "fondaco/platform/json.h"

namespace fondaco::orders {

using storage::Rows;
using storage::Tx;
using storage::Value;

namespace {

constexpr std::array<std::string_view, 4> kCartStatusNames = {"active", "converted", "released",
                                                              "expired"};

Result<void> check_cart_lines(const std::vector<CartLineInput>& lines) {
  if (lines.empty()) return fail(ErrorCode::invalid_argument, "a cart needs at least one line", "lines");
  if (lines.size() > limits::kMaxCartLines)
    return fail(ErrorCode::invalid_argument, "at most 500 lines per cart", "lines");
  for (std::size_t i = 0; i < lines.size(); ++i) {
    const std::string path = "lines[" + std::to_string(i) + "]";
    if (!is_valid_code(lines[i].sku, limits::kMaxSkuChars))
      return fail(ErrorCode::invalid_argument,
                  "must be 1-64 characters of letters, digits and . _ - /", path + ".sku");
    if (lines[i].qty < 1 || lines[i].qty > limits::kMaxQuantity)
      return fail(ErrorCode::invalid_argument, "must be between 1 and 1000000", path + ".qty");
  }
  return ok();
}

Result<void> check_ttl(std::int64_t ttl_ms) {
  if (ttl_ms < limits::kMinCartTtlSeconds * 1000 || ttl_ms > limits::kMaxCartTtlSeconds * 1000)
    return fail(ErrorCode::invalid_argument,
                "must be between " + std::to_string(limits::kMinCartTtlSeconds) + " and " +
                    std::to_string(limits::kMaxCartTtlSeconds) + " seconds",
                "ttl_seconds");
  return ok();
}

}  // namespace

std::string_view to_string(CartStatus s) { return kCartStatusNames[static_cast<std::size_t>(s)]; }

Result<void> check_open(const Cart& c, const std::string& field) {
  switch (c.status) {
    case CartStatus::active: return ok();
    case CartStatus::converted:
      return fail(ErrorCode::cart_converted,
                  "the cart has already become order " + std::to_string(c.order_id.value_or(0)),
                  field);
    case CartStatus::released:
      return fail(ErrorCode::cart_expired, "the cart was deleted and holds no stock", field);
    case CartStatus::expired:
      return fail(ErrorCode::cart_expired,
                  "the cart expired at " + format_rfc3339_ms(c.expires_at) +
                      " and holds no stock",
                  field);
  }
  return ok();
}

Result<void> Orders::write_cart_lines(Tx& tx, std::int64_t cart_id,
                                      const std::vector<CartLineInput>& lines,
                                      std::int64_t first_no) {
  FONDACO_TRY(tx.exec("DELETE FROM cart_lines WHERE cart_id = ?", {cart_id}));
  for (std::size_t i = 0; i < lines.size(); ++i)
    FONDACO_TRY(tx.exec("INSERT INTO cart_lines (cart_id, line_no, sku, qty) VALUES (?, ?, ?, ?)",
                        {cart_id, first_no + static_cast<std::int64_t>(i), lines[i].sku,
                         lines[i].qty}));
  return ok();
}

Result<void> Orders::emit_cart(Tx& tx, const char* type, const Cart& c, std::int64_t now_ms) {
  json::Writer w;
  w.begin_object().kv("id", c.id).kv("channel", c.channel).kv("status", to_string(c.status));
  w.kv("expires_at", c.expires_at).kv("order_id", c.order_id).key("lines").begin_array();
  for (const auto& l : c.lines)
    w.begin_object().kv("line_no", l.line_no).kv("sku", l.sku).kv("qty", l.qty).end_object();
  w.end_array().end_object();
  FONDACO_TRY(log_.append(tx, type, "cart", std::to_string(c.id), w.take(), now_ms));
  return ok();
}

Result<Cart> Orders::create_cart(Tx& tx, const std::string& channel,
                                 const std::vector<CartLineInput>& lines, std::int64_t ttl_ms,
                                 std::int64_t now_ms) {
  if (!is_valid_channel_code(channel, limits::kMaxChannelChars))
    return fail(ErrorCode::invalid_argument,
                "must be 1-32 characters of lower-case letters, digits, _ and -", "channel");
  FONDACO_TRY(check_cart_lines(lines));
  FONDACO_TRY(check_ttl(ttl_ms));
  auto inserted = FONDACO_TRY(tx.query(
      "INSERT INTO carts (channel, status, ttl_ms, expires_at, order_id, last_line_no, "
      "created_at, updated_at) VALUES (?, 'active', ?, ?, NULL, ?, ?, ?) RETURNING id",
      {channel, ttl_ms, now_ms + ttl_ms, static_cast<std::int64_t>(lines.size()), now_ms, now_ms}));
  const std::int64_t id = inserted.i64(0, 0);
  FONDACO_TRY(write_cart_lines(tx, id, lines, 1));
  Cart c = FONDACO_TRY(cart(tx, id, now_ms));
  FONDACO_TRY(emit_cart(tx, "cart.created", c, now_ms));
  return c;
}

Result<Cart> Orders::cart(Tx& tx, std::int64_t id, std::int64_t now_ms) {
  auto rows = FONDACO_TRY(tx.query(
      "SELECT id, channel, status, ttl_ms, expires_at, order_id, created_at, updated_at "
      "FROM carts WHERE id = ?",
      {id}));
  if (rows.empty()) return fail(ErrorCode::not_found, "cart not found", "id");
  Cart c{rows.i64(0, 0), rows.text(0, 1), CartStatus::active, rows.i64(0, 3), rows.i64(0, 4),
         rows.opt_i64(0, 5), {}, rows.i64(0, 6), rows.i64(0, 7)};
  for (std::size_t k = 0; k < kCartStatusNames.size(); ++k)
    if (kCartStatusNames[k] == rows.text(0, 2)) c.status = static_cast<CartStatus>(k);
  if (c.status == CartStatus::active && now_ms >= c.expires_at) c.status = CartStatus::expired;
  auto lines = FONDACO_TRY(
      tx.query("SELECT line_no, sku, qty FROM cart_lines WHERE cart_id = ? ORDER BY line_no", {id}));
  for (std::size_t i = 0; i < lines.size(); ++i)
    c.lines.push_back(
        CartLine{static_cast<int>(lines.i64(i, 0)), lines.text(i, 1), lines.i64(i, 2)});
  return c;
}

Result<void> Orders::lock_cart(Tx& tx, std::int64_t id) {
  const auto n = FONDACO_TRY(tx.exec("UPDATE carts SET status = status WHERE id = ?", {id}));
  if (n != 1) return fail(ErrorCode::not_found, "cart not found", "id");
  return ok();
}

Result<Cart> Orders::replace_cart_lines(Tx& tx, std::int64_t id,
                                        const std::vector<CartLineInput>& lines,
                                        std::optional<std::int64_t> ttl_ms, std::int64_t now_ms) {
  FONDACO_TRY(check_cart_lines(lines));
  if (ttl_ms) FONDACO_TRY(check_ttl(*ttl_ms));
  Cart c = FONDACO_TRY(cart(tx, id, now_ms));
  FONDACO_TRY(check_open(c, "id"));
  const std::int64_t ttl = ttl_ms.value_or(c.ttl_ms);
  auto last = FONDACO_TRY(tx.query("SELECT last_line_no FROM carts WHERE id = ?", {id}));
  const std::int64_t first_no = last.i64(0, 0) + 1;
  // Conditional on still being active and unexpired (a second line behind lock_cart).
  const auto changed = FONDACO_TRY(tx.exec(
      "UPDATE carts SET ttl_ms = ?, expires_at = ?, last_line_no = ?, updated_at = ? "
      "WHERE id = ? AND status = 'active' AND expires_at > ?",
      {ttl, now_ms + ttl, first_no + static_cast<std::int64_t>(lines.size()) - 1, now_ms, id,
       now_ms}));
  if (changed != 1) return fail(ErrorCode::cart_expired, "the cart changed concurrently", "id");
  FONDACO_TRY(write_cart_lines(tx, id, lines, first_no));
  c = FONDACO_TRY(cart(tx, id, now_ms));
  FONDACO_TRY(emit_cart(tx, "cart.updated", c, now_ms));
  return c;
}

Result<Cart> Orders::release_cart(Tx& tx, std::int64_t id, std::int64_t now_ms) {
  Cart c = FONDACO_TRY(cart(tx, id, now_ms));
  if (c.status == CartStatus::released) return c;
  if (c.status == CartStatus::converted) FONDACO_TRY(check_open(c, "id"));
  const auto changed = FONDACO_TRY(tx.exec(
      "UPDATE carts SET status = 'released', updated_at = ? WHERE id = ? AND status = 'active'",
      {now_ms, id}));
  if (changed != 1) return fail(ErrorCode::conflict, "the cart changed concurrently", "id");
  c = FONDACO_TRY(cart(tx, id, now_ms));
  FONDACO_TRY(emit_cart(tx, "cart.released", c, now_ms));
  return c;
}

Result<Cart> Orders::convert_cart(Tx& tx, std::int64_t id, std::int64_t order_id,
                                  std::int64_t now_ms) {
  Cart c = FONDACO_TRY(cart(tx, id, now_ms));
  FONDACO_TRY(check_open(c, "cart_id"));
  const auto changed = FONDACO_TRY(tx.exec(
      "UPDATE carts SET status = 'converted', order_id = ?, updated_at = ? "
      "WHERE id = ? AND status = 'active' AND expires_at > ?",
      {order_id, now_ms, id, now_ms}));
  if (changed != 1) return fail(ErrorCode::cart_converted, "the cart changed concurrently", "cart_id");
  c = FONDACO_TRY(cart(tx, id, now_ms));
  FONDACO_TRY(emit_cart(tx, "cart.converted", c, now_ms));
  return c;
}

}  // namespace fondaco::orders
