#include "fondaco/woocommerce/client.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <expected>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "fondaco/base/limits.h"
#include "fondaco/base/money.h"
#include "fondaco/platform/json.h"

namespace fondaco::woocommerce {
namespace {

using channels::PushResult;
using Outcome = PushResult::Outcome;
using channels::push_result;
using json::Value;

PushResult rejected(std::string detail, int status = 0) {
  return push_result(Outcome::rejected, status, std::move(detail));
}

const Value* member(const Value* v, const char* key) {
  if (v == nullptr || !v->IsObject()) return nullptr;
  auto it = v->FindMember(key);
  return it == v->MemberEnd() ? nullptr : &it->value;
}
std::string_view str(const Value* v) {
  return v != nullptr && v->IsString() ? std::string_view(v->GetString(), v->GetStringLength())
                                       : std::string_view{};
}

bool is_loopback_http(std::string_view url) {
  for (std::string_view host : {"http://127.0.0.1", "http://localhost", "http://[::1]"}) {
    if (url.starts_with(host) &&
        (url.size() == host.size() || url[host.size()] == ':' || url[host.size()] == '/'))
      return true;
  }
  return false;
}

struct Conn {
  std::string base;  // ".../wp-json/wc/v3", no trailing slash
  std::string key;
  std::string secret;
};

std::expected<Conn, PushResult> connect(const channels::Endpoint& ep) {
  std::string_view base = ep.setting("api_base_url");
  while (!base.empty() && base.back() == '/') base.remove_suffix(1);
  if (base.starts_with("http://") && !is_loopback_http(base))
    return std::unexpected(rejected(
        "setting api_base_url: plain-http shops need OAuth 1.0a, which is not supported; use "
        "https"));
  if (!base.starts_with("https://") && !base.starts_with("http://"))
    return std::unexpected(rejected("setting api_base_url: an https URL is required"));
  if (ep.secret("consumer_key").empty() || ep.secret("consumer_secret").empty())
    return std::unexpected(rejected("secrets consumer_key and consumer_secret must be set"));
  return Conn{std::string(base), std::string(ep.secret("consumer_key")),
              std::string(ep.secret("consumer_secret"))};
}

// WooCommerce's error body: {"code": "...", "message": "...", "data": {"status": N}}.
std::string error_detail(int status, std::string_view body) {
  std::string detail = "HTTP " + std::to_string(status);
  auto doc = json::parse(body);
  if (doc) {
    std::string_view code = str(member(&(*doc)->root(), "code"));
    std::string_view message = str(member(&(*doc)->root(), "message"));
    if (!code.empty()) return detail + ": " + std::string(code) + " " + std::string(message);
  }
  return detail + ": " + std::string(body.substr(0, 200));
}

// One call; a 2xx answer parsed as JSON, or the failure to report.
std::expected<std::unique_ptr<json::Document>, PushResult> call(http::Client& client,
                                                                const Conn& conn,
                                                                std::string method,
                                                                std::string_view path,
                                                                std::string body) {
  http::Request req;
  req.method = std::move(method);
  req.url = conn.base + std::string(path);
  req.headers = {{"Accept", "application/json"}};
  if (!body.empty()) req.headers.emplace_back("Content-Type", "application/json");
  req.body = std::move(body);
  req.timeout_ms = limits::kChannelCallTimeoutMs;
  req.basic_user = conn.key;
  req.basic_password = conn.secret;
  auto res = client.send(req);
  if (!res) return std::unexpected(push_result(Outcome::retry, 0, res.error().message));
  const int st = res->status;
  if (st == 429)
    return std::unexpected(push_result(Outcome::retry, st, "rate limited",
                                       channels::parse_retry_after_ms(res->header("retry-after"))));
  if (st >= 500)
    return std::unexpected(push_result(Outcome::retry, st, error_detail(st, res->body)));
  if (st < 200 || st >= 300) return std::unexpected(rejected(error_detail(st, res->body), st));
  auto doc = json::parse(res->body);
  if (!doc) return std::unexpected(push_result(Outcome::retry, st, "unreadable answer"));
  return std::move(*doc);
}

bool is_id(std::string_view s) {
  return !s.empty() && s.size() <= 19 &&
         std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}
std::int64_t to_id(std::string_view s) {
  std::int64_t v = 0;
  std::from_chars(s.data(), s.data() + s.size(), v);
  return v;
}

// external_id "ID" or "PARENT:VARIATION": the parent ("" for a product) and the object's id.
std::optional<std::pair<std::string, std::string>> split_id(std::string_view external_id) {
  const auto colon = external_id.find(':');
  if (colon == std::string_view::npos)
    return is_id(external_id) ? std::optional(std::pair{std::string(), std::string(external_id)})
                              : std::nullopt;
  std::string_view parent = external_id.substr(0, colon), child = external_id.substr(colon + 1);
  if (!is_id(parent) || !is_id(child)) return std::nullopt;
  return std::pair{std::string(parent), std::string(child)};
}

}  // namespace

std::size_t WooClient::max_stock_batch() const { return limits::kWooMaxStockBatch; }

namespace {

// The "update" answers that carry an "error" member: "sku: code message".
std::string batch_errors(const json::Document& doc,
                         const std::vector<const channels::StockLevel*>& sent, bool& retryable) {
  std::string detail;
  const Value* items = member(&doc.root(), "update");
  if (items == nullptr || !items->IsArray()) return detail;
  retryable = true;
  for (rapidjson::SizeType i = 0; i < items->Size(); ++i) {
    const Value* err = member(&(*items)[i], "error");
    if (err == nullptr) continue;
    const Value* st = member(member(err, "data"), "status");
    if (st == nullptr || !st->IsInt() || st->GetInt() < 500) retryable = false;
    if (!detail.empty()) detail += "; ";
    detail += (i < sent.size() ? sent[i]->sku : "#" + std::to_string(i)) + ": " +
              std::string(str(member(err, "code"))) + " " +
              std::string(str(member(err, "message")));
  }
  return detail;
}

}  // namespace

channels::PushResult WooClient::push_stock(const channels::Endpoint& endpoint,
                                           std::span<const channels::StockLevel> levels) {
  auto conn = connect(endpoint);
  if (!conn) return conn.error();
  if (levels.empty()) return push_result(Outcome::ok, 0, "nothing to send");
  if (levels.size() > max_stock_batch())
    return rejected("batch of " + std::to_string(levels.size()) + " levels exceeds " +
                    std::to_string(max_stock_batch()));
  // Per parent: products/batch first ("" sorts first), then each parent's variations.
  std::map<std::string, std::vector<std::pair<std::int64_t, const channels::StockLevel*>>> groups;
  for (std::size_t i = 0; i < levels.size(); ++i) {
    auto ids = split_id(levels[i].external_id);
    if (!ids)
      return rejected("levels[" + std::to_string(i) + "] (sku " + levels[i].sku +
                      "): external_id must be \"ID\" or \"PARENT:VARIATION\", got \"" +
                      levels[i].external_id + "\"");
    groups[ids->first].emplace_back(to_id(ids->second), &levels[i]);
  }
  int last_status = 0;
  for (const auto& [parent, items] : groups) {
    json::Writer w;
    w.begin_object().key("update").begin_array();
    std::vector<const channels::StockLevel*> sent;
    for (const auto& [id, level] : items) {
      w.begin_object().kv("id", id).kv_bool("manage_stock", true);
      w.kv("stock_quantity", level->quantity).end_object();
      sent.push_back(level);
    }
    w.end_array().end_object();
    const std::string path =
        parent.empty() ? "/products/batch" : "/products/" + parent + "/variations/batch";
    auto doc = call(http_, *conn, "POST", path, w.take());
    if (!doc) return doc.error();
    last_status = 200;
    bool retryable = false;
    std::string errors = batch_errors(**doc, sent, retryable);
    if (!errors.empty())
      return push_result(retryable ? Outcome::retry : Outcome::rejected, 200, errors);
  }
  return push_result(Outcome::ok, last_status, "set " + std::to_string(levels.size()) + " levels");
}

channels::PushResult WooClient::push_listing(const channels::Endpoint& endpoint,
                                             const channels::Listing& listing) {
  auto conn = connect(endpoint);
  if (!conn) return conn.error();
  const std::string_view shop_currency = endpoint.setting("currency");
  if (!shop_currency.empty() && shop_currency != listing.currency)
    return rejected("listing price in " + listing.currency + ", shop currency is " +
                    std::string(shop_currency));
  if (listing.price_minor < 0) return rejected("negative price");
  auto ids = split_id(listing.external_id);
  if (!ids)
    return rejected("external_id must be \"ID\" or \"PARENT:VARIATION\", got \"" +
                    listing.external_id + "\"");
  json::Writer w;
  w.begin_object();
  std::string path;
  if (ids->first.empty()) {
    path = "/products/" + ids->second;
    w.kv("name", listing.title).kv("status", listing.active ? "publish" : "draft");
  } else {
    path = "/products/" + ids->first + "/variations/" + ids->second;
    w.kv("status", listing.active ? "publish" : "private");
  }
  w.kv("regular_price", format_minor(listing.price_minor)).end_object();
  auto doc = call(http_, *conn, "PUT", path, w.take());
  if (!doc) return doc.error();
  return push_result(Outcome::ok, 200, "listing " + listing.external_id + " updated");
}

namespace {

std::string tracking_note(const channels::Fulfillment& f) {
  std::string note = "Shipped with " + (f.carrier.empty() ? std::string("carrier") : f.carrier) +
                     ", tracking number " + f.tracking_number;
  if (!f.tracking_url.empty()) note += ": " + f.tracking_url;
  return note;
}

// Whether the order already has this note (an earlier attempt posted it).
std::expected<bool, PushResult> has_note(http::Client& client, const Conn& conn,
                                         const std::string& order, const std::string& note) {
  auto doc = call(client, conn, "GET", "/orders/" + order + "/notes", "");
  if (!doc) return std::unexpected(doc.error());
  const Value& root = (*doc)->root();
  if (!root.IsArray()) return false;
  for (const auto& n : root.GetArray())
    if (str(member(&n, "note")) == note) return true;
  return false;
}

}  // namespace

channels::PushResult WooClient::push_fulfillment(const channels::Endpoint& endpoint,
                                                 const channels::Fulfillment& fulfillment) {
  auto conn = connect(endpoint);
  if (!conn) return conn.error();
  const std::string& order = fulfillment.external_order_id;
  if (!is_id(order)) return rejected("external_order_id must be a WooCommerce order id");
  const std::string note = tracking_note(fulfillment);
  auto seen = has_note(http_, *conn, order, note);
  if (!seen) return seen.error();
  if (!*seen) {
    json::Writer w;
    w.begin_object().kv("note", note).kv_bool("customer_note", true).end_object();
    auto posted = call(http_, *conn, "POST", "/orders/" + order + "/notes", w.take());
    if (!posted) return posted.error();
  }
  if (fulfillment.complete) {
    json::Writer w;
    w.begin_object().kv("status", "completed").end_object();
    auto put = call(http_, *conn, "PUT", "/orders/" + order, w.take());
    if (!put) return put.error();
  }
  return push_result(
      Outcome::ok, 200,
      std::string(fulfillment.complete ? "order completed, " : "") + "tracking noted");
}

std::unique_ptr<channels::ChannelClient> make_channel_client(http::Client& http) {
  return std::make_unique<WooClient>(http);
}

}  // namespace fondaco::woocommerce
