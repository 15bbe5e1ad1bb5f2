#include "fondaco/shopify/client.h"

#include <algorithm>
#include <array>
#include <charconv>
#include <cmath>
#include <expected>
#include <map>
#include <optional>
#include <utility>
#include <vector>

#include "fondaco/base/limits.h"
#include "fondaco/base/money.h"
#include "fondaco/platform/json.h"

namespace fondaco::shopify {
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
double number(const Value* v, double fallback) {
  return v != nullptr && v->IsNumber() ? v->GetDouble() : fallback;
}

struct Conn {
  std::string url;  // the GraphQL endpoint
  std::string token;
};

std::expected<Conn, PushResult> connect(const channels::Endpoint& ep) {
  std::string_view base = ep.setting("api_base_url");
  while (!base.empty() && base.back() == '/') base.remove_suffix(1);
  if (!base.starts_with("https://") && !base.starts_with("http://"))
    return std::unexpected(rejected("setting api_base_url: an http(s) URL is required"));
  std::string_view version = ep.setting("api_version");
  if (version.empty()) version = kDefaultApiVersion;
  if (version.size() != 7 || version[4] != '-' || version < kMinApiVersion)
    return std::unexpected(rejected("setting api_version: " + std::string(version) +
                                    " is not supported (YYYY-MM, at least " +
                                    std::string(kMinApiVersion) + ")"));
  auto token = ep.config.secrets.find("access_token");
  if (token == ep.config.secrets.end() || token->second.empty())
    return std::unexpected(rejected("secret access_token is not set"));
  return Conn{std::string(base) + "/admin/api/" + std::string(version) + "/graphql.json",
              token->second};
}

// How long the documented leaky bucket needs to refill for this query.
std::int64_t throttle_wait_ms(const Value& root) {
  const Value* cost = member(member(&root, "extensions"), "cost");
  const Value* status = member(cost, "throttleStatus");
  double requested = number(member(cost, "requestedQueryCost"), 0);
  double available = number(member(status, "currentlyAvailable"), 0);
  double restore = number(member(status, "restoreRate"), 0);
  if (restore <= 0 || requested <= available) return 1000;
  return static_cast<std::int64_t>(std::ceil((requested - available) / restore * 1000.0));
}

std::string short_body(std::string_view body) { return std::string(body.substr(0, 200)); }

// Classifies top-level GraphQL errors: THROTTLED and internal errors are worth a retry.
std::optional<PushResult> graphql_errors(const Value& root, int status) {
  const Value* errors = member(&root, "errors");
  if (errors == nullptr) return std::nullopt;
  if (errors->IsString()) return rejected("GraphQL error: " + std::string(str(errors)), status);
  if (!errors->IsArray() || errors->Empty()) return std::nullopt;
  std::string detail;
  bool throttled = false, internal = false;
  for (const auto& e : errors->GetArray()) {
    std::string_view code = str(member(member(&e, "extensions"), "code"));
    throttled = throttled || code == "THROTTLED";
    internal = internal || code == "INTERNAL_SERVER_ERROR";
    if (!detail.empty()) detail += "; ";
    detail += std::string(str(member(&e, "message")));
    if (!code.empty()) detail += " (" + std::string(code) + ")";
  }
  if (throttled)
    return push_result(Outcome::retry, status, "throttled: " + detail, throttle_wait_ms(root));
  if (internal) return push_result(Outcome::retry, status, detail);
  return rejected("GraphQL errors: " + detail, status);
}

struct Answer {
  std::unique_ptr<json::Document> doc;
  int status = 0;
  const Value& data() const { return *member(&doc->root(), "data"); }
};

// One GraphQL request; anything but a readable `data` object is the failure to report.
std::expected<Answer, PushResult> graphql(http::Client& client, const Conn& conn,
                                          std::string_view query, std::string_view variables) {
  json::Writer w;
  w.begin_object().kv("query", query).key("variables").raw(variables).end_object();
  http::Request req;
  req.url = conn.url;
  req.headers = {{"Content-Type", "application/json"},
                 {"Accept", "application/json"},
                 {"X-Shopify-Access-Token", conn.token}};
  req.body = w.take();
  req.timeout_ms = limits::kChannelCallTimeoutMs;
  auto res = client.send(req);
  if (!res) return std::unexpected(push_result(Outcome::retry, 0, res.error().message));
  const int st = res->status;
  if (st == 429)
    return std::unexpected(push_result(Outcome::retry, st, "rate limited",
                                       channels::parse_retry_after_ms(res->header("retry-after"))));
  if (st >= 500) return std::unexpected(push_result(Outcome::retry, st, short_body(res->body)));
  if (st < 200 || st >= 300)
    return std::unexpected(
        rejected("HTTP " + std::to_string(st) + ": " + short_body(res->body), st));
  auto doc = json::parse(res->body);
  if (!doc) return std::unexpected(push_result(Outcome::retry, st, "unreadable answer"));
  if (auto e = graphql_errors((*doc)->root(), st)) return std::unexpected(*e);
  const Value* data = member(&(*doc)->root(), "data");
  if (data == nullptr || !data->IsObject())
    return std::unexpected(push_result(Outcome::retry, st, "answer without data"));
  return Answer{std::move(*doc), st};
}

// "code field: message" for each userError, plus the codes seen.
std::string user_errors_detail(const Value* errors) {
  std::string detail;
  if (errors == nullptr || !errors->IsArray()) return detail;
  for (const auto& e : errors->GetArray()) {
    if (!detail.empty()) detail += "; ";
    std::string_view code = str(member(&e, "code"));
    if (!code.empty()) detail += std::string(code) + " ";
    if (const Value* f = member(&e, "field"); f != nullptr && f->IsArray()) {
      std::string path;
      for (const auto& part : f->GetArray())
        path += (path.empty() ? "" : ".") + std::string(str(&part));
      if (!path.empty()) detail += path + ": ";
    }
    detail += std::string(str(member(&e, "message")));
  }
  return detail;
}

bool has_user_errors(const Value* errors) {
  return errors != nullptr && errors->IsArray() && !errors->Empty();
}

}  // namespace

std::string ShopifyClient::gid(std::string_view type, std::string_view id) {
  if (id.starts_with("gid://")) return std::string(id);
  return "gid://shopify/" + std::string(type) + "/" + std::string(id);
}

std::string ShopifyClient::tracking_company(std::string_view carrier) {
  static constexpr std::array<std::pair<std::string_view, std::string_view>, 9> kNames{{
      {"GLS", "GLS"},
      {"BRT", "BRT"},
      {"POSTE", "Poste Italiane"},
      {"SDA", "SDA"},
      {"DHL", "DHL Express"},
      {"UPS", "UPS"},
      {"FEDEX", "FedEx"},
      {"TNT", "TNT"},
      {"DPD", "DPD"},
  }};
  for (const auto& [code, name] : kNames)
    if (code == carrier) return std::string(name);
  return std::string(carrier);
}

std::string ShopifyClient::idempotency_key() {
  std::array<std::byte, 16> b{};
  {
    std::lock_guard lock(random_mu_);
    random_.fill(b);
  }
  b[6] = (b[6] & std::byte{0x0f}) | std::byte{0x40};  // version 4
  b[8] = (b[8] & std::byte{0x3f}) | std::byte{0x80};  // RFC 4122 variant
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  for (std::size_t i = 0; i < b.size(); ++i) {
    if (i == 4 || i == 6 || i == 8 || i == 10) out += '-';
    out += kHex[std::to_integer<int>(b[i]) >> 4];
    out += kHex[std::to_integer<int>(b[i]) & 0xf];
  }
  return out;
}

std::size_t ShopifyClient::max_stock_batch() const { return limits::kShopifyMaxStockBatch; }

namespace {

constexpr std::string_view kSetQuantities =
    "mutation SetStock($input: InventorySetQuantitiesInput!) {"
    " inventorySetQuantities(input: $input) @idempotent(key: \"KEY\") {"
    " inventoryAdjustmentGroup { id } userErrors { code field message } } }";

std::string stock_variables(std::string_view location,
                            std::span<const channels::StockLevel> levels) {
  json::Writer w;
  w.begin_object().key("input").begin_object();
  w.kv("name", "available").kv("reason", "correction").key("quantities").begin_array();
  for (const auto& l : levels) {
    w.begin_object()
        .kv("inventoryItemId", ShopifyClient::gid("InventoryItem", l.inventory_item_id))
        .kv("locationId", ShopifyClient::gid("Location", location))
        .kv("quantity", l.quantity)
        .kv("changeFromQuantity", l.last_published)
        .end_object();
  }
  w.end_array().end_object().end_object();
  return w.take();
}

// Indexes of the quantities a userError points at ("input.quantities.3.changeFromQuantity").
std::optional<std::size_t> quantity_index(const Value& error) {
  const Value* f = member(&error, "field");
  if (f == nullptr || !f->IsArray()) return std::nullopt;
  for (rapidjson::SizeType i = 0; i + 1 < f->Size(); ++i) {
    if (str(&(*f)[i]) != "quantities") continue;
    std::string_view n = str(&(*f)[i + 1]);
    std::size_t idx = 0;
    auto [p, ec] = std::from_chars(n.data(), n.data() + n.size(), idx);
    if (ec == std::errc() && p == n.data() + n.size()) return idx;
  }
  return std::nullopt;
}

// The channel's current "available" at the location for these levels, keyed by SKU; empty
// when it cannot be read (the caller then retries without the compare).
std::vector<std::pair<std::string, std::int64_t>> read_available(
    http::Client& client, const Conn& conn, std::string_view location,
    const std::vector<const channels::StockLevel*>& levels) {
  std::string query = "query Available($location: ID!";
  for (std::size_t i = 0; i < levels.size(); ++i) query += ", $i" + std::to_string(i) + ": ID!";
  query += ") {";
  json::Writer vars;
  vars.begin_object().kv("location", ShopifyClient::gid("Location", location));
  for (std::size_t i = 0; i < levels.size(); ++i) {
    const std::string n = std::to_string(i);
    query += " q" + n + ": inventoryItem(id: $i" + n +
             ") { inventoryLevel(locationId: $location) { quantities(names: [\"available\"]) "
             "{ name quantity } } }";
    vars.kv("i" + n, ShopifyClient::gid("InventoryItem", levels[i]->inventory_item_id));
  }
  query += " }";
  vars.end_object();
  std::vector<std::pair<std::string, std::int64_t>> out;
  auto answer = graphql(client, conn, query, vars.view());
  if (!answer) return out;
  for (std::size_t i = 0; i < levels.size(); ++i) {
    const std::string alias = "q" + std::to_string(i);
    const Value* qs =
        member(member(member(&answer->data(), alias.c_str()), "inventoryLevel"), "quantities");
    if (qs == nullptr || !qs->IsArray()) continue;
    for (const auto& q : qs->GetArray()) {
      const Value* n = member(&q, "quantity");
      if (str(member(&q, "name")) == "available" && n != nullptr && n->IsInt64())
        out.emplace_back(levels[i]->sku, n->GetInt64());
    }
  }
  return out;
}

}  // namespace

channels::PushResult ShopifyClient::push_stock(const channels::Endpoint& endpoint,
                                               std::span<const channels::StockLevel> levels) {
  auto conn = connect(endpoint);
  if (!conn) return conn.error();
  if (levels.empty()) return push_result(Outcome::ok, 0, "nothing to send");
  if (levels.size() > max_stock_batch())
    return rejected("batch of " + std::to_string(levels.size()) + " levels exceeds " +
                    std::to_string(max_stock_batch()));
  const std::string_view location = endpoint.setting("location_id");
  if (location.empty()) return rejected("setting location_id is not set");
  for (std::size_t i = 0; i < levels.size(); ++i) {
    if (levels[i].inventory_item_id.empty())
      return rejected("levels[" + std::to_string(i) + "] (sku " + levels[i].sku +
                      "): no Shopify inventory_item_id mapped");
  }
  std::string query(kSetQuantities);
  query.replace(query.find("KEY"), 3, idempotency_key());
  auto answer = graphql(http_, *conn, query, stock_variables(location, levels));
  if (!answer) return answer.error();
  const Value* payload = member(&answer->data(), "inventorySetQuantities");
  if (payload == nullptr || !payload->IsObject())
    return push_result(Outcome::retry, answer->status, "answer without inventorySetQuantities");
  const Value* errors = member(payload, "userErrors");
  if (!has_user_errors(errors))
    return push_result(Outcome::ok, answer->status,
                       "set " + std::to_string(levels.size()) + " levels");
  // The mutation applies all quantities or none: only stale compares and idempotency
  // hiccups (the next call has a new key) go away on their own.
  std::vector<const channels::StockLevel*> stale;
  bool retryable = true;
  for (const auto& e : errors->GetArray()) {
    std::string_view code = str(member(&e, "code"));
    if (code == "CHANGE_FROM_QUANTITY_STALE" || code == "COMPARE_QUANTITY_STALE") {
      auto idx = quantity_index(e);
      if (idx && *idx < levels.size()) stale.push_back(&levels[*idx]);
    } else if (code != "IDEMPOTENCY_CONCURRENT_REQUEST" &&
               code != "IDEMPOTENCY_PREVIOUS_ATTEMPT_FAILED") {
      retryable = false;
    }
  }
  PushResult r = push_result(retryable ? Outcome::retry : Outcome::rejected, answer->status,
                             user_errors_detail(errors));
  if (!stale.empty()) r.observed = read_available(http_, *conn, location, stale);
  return r;
}

namespace {

struct ListingIds {
  std::string product;
  std::string variant;
};

// external_id "PRODUCT:VARIANT", or a variant id whose product is read from the shop.
std::expected<ListingIds, PushResult> listing_ids(http::Client& client, const Conn& conn,
                                                  std::string_view external_id) {
  if (external_id.empty()) return std::unexpected(rejected("listing has no external_id"));
  // A GID contains ':' itself ("gid://..."): split at the separator after it.
  std::size_t from = 0;
  if (external_id.starts_with("gid://")) {
    from = external_id.find(':', 6);
  } else {
    from = external_id.find(':');
  }
  if (from != std::string_view::npos)
    return ListingIds{ShopifyClient::gid("Product", external_id.substr(0, from)),
                      ShopifyClient::gid("ProductVariant", external_id.substr(from + 1))};
  const std::string variant = ShopifyClient::gid("ProductVariant", external_id);
  json::Writer vars;
  vars.begin_object().kv("id", variant).end_object();
  auto answer = graphql(client, conn,
                        "query VariantProduct($id: ID!) { productVariant(id: $id) { id "
                        "product { id } } }",
                        vars.view());
  if (!answer) return std::unexpected(answer.error());
  std::string_view product =
      str(member(member(member(&answer->data(), "productVariant"), "product"), "id"));
  if (product.empty())
    return std::unexpected(rejected("variant " + variant + " not found", answer->status));
  return ListingIds{std::string(product), variant};
}

constexpr std::string_view kUpdateListing =
    "mutation UpdateListing($product: ProductUpdateInput!, $productId: ID!, "
    "$variants: [ProductVariantsBulkInput!]!) {"
    " productUpdate(product: $product) { product { id } userErrors { field message } }"
    " productVariantsBulkUpdate(productId: $productId, variants: $variants) {"
    " productVariants { id } userErrors { field message } } }";

}  // namespace

channels::PushResult ShopifyClient::push_listing(const channels::Endpoint& endpoint,
                                                 const channels::Listing& listing) {
  auto conn = connect(endpoint);
  if (!conn) return conn.error();
  const std::string_view shop_currency = endpoint.setting("currency");
  if (!shop_currency.empty() && shop_currency != listing.currency)
    return rejected("listing price in " + listing.currency + ", shop currency is " +
                    std::string(shop_currency));
  if (listing.price_minor < 0) return rejected("negative price");
  auto ids = listing_ids(http_, *conn, listing.external_id);
  if (!ids) return ids.error();
  json::Writer vars;
  vars.begin_object().key("product").begin_object();
  vars.kv("id", ids->product).kv("title", listing.title);
  vars.kv("status", listing.active ? "ACTIVE" : "DRAFT").end_object();
  vars.kv("productId", ids->product).key("variants").begin_array().begin_object();
  vars.kv("id", ids->variant).kv("price", format_minor(listing.price_minor));
  vars.end_object().end_array().end_object();
  auto answer = graphql(http_, *conn, kUpdateListing, vars.view());
  if (!answer) return answer.error();
  std::string detail;
  for (const char* m : {"productUpdate", "productVariantsBulkUpdate"}) {
    const Value* errors = member(member(&answer->data(), m), "userErrors");
    if (has_user_errors(errors))
      detail += (detail.empty() ? "" : "; ") + std::string(m) + ": " + user_errors_detail(errors);
  }
  if (!detail.empty()) return rejected(detail, answer->status);
  return push_result(Outcome::ok, answer->status, "listing " + ids->variant + " updated");
}

namespace {

struct FoLine {
  std::string id;         // FulfillmentOrderLineItem GID
  std::string line_item;  // LineItem GID
  std::string sku;
  std::int64_t remaining = 0;
};
struct FulfillmentOrder {
  std::string id;
  std::string location;
  bool open = false;  // OPEN or IN_PROGRESS: may still be fulfilled
  std::vector<FoLine> lines;
};

std::string fulfillment_orders_query() {
  return "query FulfillmentOrders($id: ID!) { order(id: $id) { id fulfillmentOrders(first: " +
         std::to_string(limits::kShopifyMaxFulfillmentOrders) +
         ") { nodes { id status assignedLocation { location { id } } lineItems(first: " +
         std::to_string(limits::kShopifyMaxFulfillmentOrderLines) +
         ") { nodes { id remainingQuantity lineItem { id sku } } } } } } }";
}

// The order's fulfillment orders, closed ones included (their lines are known, with nothing
// left), so a retried fulfilment is recognised as done.
std::expected<std::vector<FulfillmentOrder>, PushResult> read_fulfillment_orders(
    http::Client& client, const Conn& conn, const std::string& order_gid) {
  json::Writer vars;
  vars.begin_object().kv("id", order_gid).end_object();
  auto answer = graphql(client, conn, fulfillment_orders_query(), vars.view());
  if (!answer) return std::unexpected(answer.error());
  const Value* order = member(&answer->data(), "order");
  if (order == nullptr || !order->IsObject())
    return std::unexpected(rejected("order " + order_gid + " not found", answer->status));
  std::vector<FulfillmentOrder> out;
  const Value* nodes = member(member(order, "fulfillmentOrders"), "nodes");
  if (nodes == nullptr || !nodes->IsArray()) return out;
  for (const auto& n : nodes->GetArray()) {
    std::string_view status = str(member(&n, "status"));
    FulfillmentOrder fo{
        std::string(str(member(&n, "id"))),
        std::string(str(member(member(member(&n, "assignedLocation"), "location"), "id"))),
        status == "OPEN" || status == "IN_PROGRESS",
        {}};
    const Value* lines = member(member(&n, "lineItems"), "nodes");
    if (lines != nullptr && lines->IsArray()) {
      for (const auto& l : lines->GetArray()) {
        const Value* rem = member(&l, "remainingQuantity");
        fo.lines.push_back({std::string(str(member(&l, "id"))),
                            std::string(str(member(member(&l, "lineItem"), "id"))),
                            std::string(str(member(member(&l, "lineItem"), "sku"))),
                            rem != nullptr && rem->IsInt64() ? rem->GetInt64() : 0});
      }
    }
    out.push_back(std::move(fo));
  }
  return out;
}

// What to fulfil: per location, per fulfillment order, (line id, quantity).
using Plan =
    std::map<std::string, std::map<std::string, std::vector<std::pair<std::string, std::int64_t>>>>;

// Allocates each wanted line to the remaining quantities of the matching lines of open
// fulfillment orders. A line the order does not have at all → rejected; a line with nothing
// left (a closed fulfillment order, or fulfilled by an earlier attempt) is skipped.
std::expected<Plan, PushResult> plan_fulfillment(std::vector<FulfillmentOrder>& fos,
                                                 const channels::Fulfillment& f) {
  Plan plan;
  auto take = [&](FulfillmentOrder& fo, FoLine& l, std::int64_t q) {
    l.remaining -= q;
    plan[fo.location][fo.id].emplace_back(l.id, q);
  };
  for (const auto& want : f.lines) {
    const std::string line_gid = want.external_line_id.empty()
                                     ? std::string()
                                     : ShopifyClient::gid("LineItem", want.external_line_id);
    std::int64_t left = want.quantity;
    bool known = false;
    for (auto& fo : fos) {
      for (auto& l : fo.lines) {
        const bool match =
            line_gid.empty() ? (!want.sku.empty() && l.sku == want.sku) : l.line_item == line_gid;
        if (!match) continue;
        known = true;
        const std::int64_t q = fo.open ? std::min(left, l.remaining) : 0;
        if (q > 0) {
          take(fo, l, q);
          left -= q;
        }
      }
    }
    if (!known)
      return std::unexpected(rejected("line " + (line_gid.empty() ? "sku " + want.sku : line_gid) +
                                      " is not in the order"));
  }
  if (f.lines.empty()) {
    for (auto& fo : fos)
      for (auto& l : fo.lines)
        if (fo.open && l.remaining > 0) take(fo, l, l.remaining);
  }
  return plan;
}

constexpr std::string_view kCreateFulfillment =
    "mutation CreateFulfillment($fulfillment: FulfillmentInput!) {"
    " fulfillmentCreate(fulfillment: $fulfillment) { fulfillment { id status }"
    " userErrors { field message } } }";

std::string fulfillment_variables(
    const std::map<std::string, std::vector<std::pair<std::string, std::int64_t>>>& by_fo,
    const channels::Fulfillment& f, bool notify) {
  json::Writer w;
  w.begin_object().key("fulfillment").begin_object();
  w.key("lineItemsByFulfillmentOrder").begin_array();
  for (const auto& [fo, lines] : by_fo) {
    w.begin_object().kv("fulfillmentOrderId", fo).key("fulfillmentOrderLineItems").begin_array();
    for (const auto& [id, q] : lines) w.begin_object().kv("id", id).kv("quantity", q).end_object();
    w.end_array().end_object();
  }
  w.end_array().kv_bool("notifyCustomer", notify).key("trackingInfo").begin_object();
  w.kv("number", f.tracking_number).kv("company", ShopifyClient::tracking_company(f.carrier));
  if (!f.tracking_url.empty()) w.kv("url", f.tracking_url);
  w.end_object().end_object().end_object();
  return w.take();
}

}  // namespace

channels::PushResult ShopifyClient::push_fulfillment(const channels::Endpoint& endpoint,
                                                     const channels::Fulfillment& fulfillment) {
  auto conn = connect(endpoint);
  if (!conn) return conn.error();
  if (fulfillment.external_order_id.empty()) return rejected("fulfillment has no order id");
  const std::string order = gid("Order", fulfillment.external_order_id);
  auto fos = read_fulfillment_orders(http_, *conn, order);
  if (!fos) return fos.error();
  auto plan = plan_fulfillment(*fos, fulfillment);
  if (!plan) return plan.error();
  if (plan->empty()) return push_result(Outcome::ok, 200, "nothing left to fulfil in " + order);
  const bool notify = endpoint.setting("notify_customer") != "false";
  std::string created;
  for (const auto& [location, by_fo] : *plan) {
    auto answer = graphql(http_, *conn, kCreateFulfillment,
                          fulfillment_variables(by_fo, fulfillment, notify));
    if (!answer) return answer.error();
    const Value* payload = member(&answer->data(), "fulfillmentCreate");
    const Value* errors = member(payload, "userErrors");
    if (has_user_errors(errors)) return rejected(user_errors_detail(errors), answer->status);
    created += (created.empty() ? "" : ", ") +
               std::string(str(member(member(payload, "fulfillment"), "id")));
  }
  return push_result(Outcome::ok, 200, "fulfillment " + created + " created");
}

std::unique_ptr<channels::ChannelClient> make_channel_client(http::Client& http, Random& random) {
  return std::make_unique<ShopifyClient>(http, random);
}

}  // namespace fondaco::shopify
