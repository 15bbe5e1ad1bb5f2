// Channel resources: the registry of sales channels (code, kind, name, order number prefix,
// location priority, active, stock policy). Creating and changing one checks its locations
// against the inventory in the same transaction (workflows/channels.h). Listings, the
// computed stock each channel is shown, the delivery log and resync belong to the channel
// sync (workflows/channel_sync.h); a change that queues pushes wakes the channel worker
// after commit (Services::channel_sync_wake).
#include "fondaco/base/limits.h"
#include "fondaco/base/text.h"
#include "fondaco/channels/listings.h"
#include "fondaco/channels/sync_queue.h"
#include "fondaco/workflows/channel_sync.h"
#include "fondaco/workflows/channels.h"
#include "router.h"

namespace fondaco::api {
namespace {

using channels::Channel;
using json::Object;

void write_channel(json::Writer& w, const Channel& ch) {
  w.begin_object().kv("id", ch.id).kv("code", ch.code).kv("kind", channels::to_string(ch.kind));
  w.kv("name", ch.name).kv("order_prefix", ch.order_prefix).key("locations").begin_array();
  for (const auto& l : ch.locations) w.str(l);
  w.end_array().kv_bool("active", ch.active);
  w.kv("buffer_units", ch.policy.buffer_units).kv("buffer_percent", ch.policy.buffer_percent);
  w.kv("max_listed", ch.policy.max_listed).kv("stop_below", ch.policy.stop_below);
  w.kv("created_at", format_rfc3339_ms(ch.created_at));
  w.kv("updated_at", format_rfc3339_ms(ch.updated_at)).end_object();
}

Response channel_response(int status, const Channel& ch) {
  json::Writer w;
  write_channel(w, ch);
  return json_response(status, w.take());
}

Result<std::optional<channels::Kind>> read_kind(Object& o) {
  const auto name = FONDACO_TRY(o.opt_string("kind", {16, 1, false}));
  if (!name) return std::optional<channels::Kind>{};
  auto kind = channels::parse_kind(*name);
  if (!kind)
    return fail(ErrorCode::invalid_argument,
                "must be storefront, pos, phone, shopify, woocommerce, amazon, ebay or generic",
                "kind");
  return std::optional<channels::Kind>(*kind);
}

Result<std::optional<std::vector<std::string>>> read_locations(Object& o) {
  const json::Value* arr = FONDACO_TRY(o.opt_array("locations", limits::kMaxPlacementLocations));
  if (!arr) return std::optional<std::vector<std::string>>{};
  std::vector<std::string> out;
  for (rapidjson::SizeType i = 0; i < arr->Size(); ++i)
    out.push_back(FONDACO_TRY(json::check_string((*arr)[i], json::index_path("locations", i),
                                                 {limits::kMaxCodeChars, 1, false})));
  return std::optional<std::vector<std::string>>(std::move(out));
}

// Range checks are the module's (422 naming the field); here only the JSON type.
Result<void> read_policy(Object& o, channels::StockPolicy& p) {
  p.buffer_units = FONDACO_TRY(o.opt_int("buffer_units")).value_or(0);
  p.buffer_percent = FONDACO_TRY(o.opt_int("buffer_percent")).value_or(0);
  p.max_listed = FONDACO_TRY(o.opt_int("max_listed"));
  p.stop_below = FONDACO_TRY(o.opt_int("stop_below")).value_or(0);
  return ok();
}

Result<void> read_policy_patch(Object& o, const json::Value& root, channels::ChannelPatch& p) {
  p.buffer_units = FONDACO_TRY(o.opt_int("buffer_units"));
  p.buffer_percent = FONDACO_TRY(o.opt_int("buffer_percent"));
  // null removes the cap; absent leaves it.
  // Object reads a null as absent, so presence is looked up on the raw document.
  if (root.IsObject() && root.HasMember("max_listed")) {
    p.max_listed = FONDACO_TRY(o.opt_int("max_listed"));
    o.allow("max_listed");
  }
  p.stop_below = FONDACO_TRY(o.opt_int("stop_below"));
  return ok();
}

constexpr json::StringRule kName{limits::kMaxShortTextChars, 1, false};
constexpr json::StringRule kPrefix{limits::kMaxOrderPrefixChars, 1, false};

Result<Response> create_channel(Ctx& c) {
  auto doc = FONDACO_TRY(json_body(c));
  Object o = FONDACO_TRY(Object::of(doc->root()));
  channels::ChannelInput in;
  in.code = FONDACO_TRY(o.req_string("code", {limits::kMaxChannelChars, 1, false}));
  in.kind = FONDACO_TRY(read_kind(o)).value_or(channels::Kind::generic);
  in.name = FONDACO_TRY(o.req_string("name", kName));
  in.order_prefix = FONDACO_TRY(o.opt_string("order_prefix", kPrefix));
  in.locations = FONDACO_TRY(read_locations(o)).value_or(std::vector<std::string>{});
  in.active = FONDACO_TRY(o.opt_bool("active")).value_or(true);
  FONDACO_TRY(read_policy(o, in.policy));
  FONDACO_TRY(o.finish());
  channels::Channels channels(c.s.log);
  return commit(
      c,
      [&](storage::Tx& tx) {
        return workflows::create_channel(tx, channels, c.s.inventory, in, c.now_ms());
      },
      [](const Channel& ch) { return channel_response(201, ch); });
}

Result<Response> list_channels(Ctx& c) {
  FONDACO_TRY(allow_query(c, {"limit", "cursor"}));
  const auto page = FONDACO_TRY(page_request(c, limits::kMaxPageSize));
  auto result = FONDACO_TRY(c.s.db.read([&](storage::Tx& tx) {
    return channels::Channels::list(tx, page.after_id, page.limit);
  }));
  json::Writer w;
  w.begin_array();
  for (const auto& ch : result.items) write_channel(w, ch);
  w.end_array();
  return page_response(w.view(), result.next_after);
}

Result<Response> get_channel(Ctx& c) {
  FONDACO_TRY(allow_query(c, {}));
  auto ch = FONDACO_TRY(c.s.db.read(
      [&](storage::Tx& tx) { return channels::Channels::get(tx, c.path.at("code")); }));
  return channel_response(200, ch);
}

Result<Response> patch_channel(Ctx& c) {
  auto doc = FONDACO_TRY(json_body(c));
  Object o = FONDACO_TRY(Object::of(doc->root()));
  channels::ChannelPatch p;
  p.kind = FONDACO_TRY(read_kind(o));
  p.name = FONDACO_TRY(o.opt_string("name", kName));
  p.order_prefix = FONDACO_TRY(o.opt_string("order_prefix", kPrefix));
  p.locations = FONDACO_TRY(read_locations(o));
  p.active = FONDACO_TRY(o.opt_bool("active"));
  FONDACO_TRY(read_policy_patch(o, doc->root(), p));
  FONDACO_TRY(o.finish());
  channels::Channels channels(c.s.log);
  return commit(
      c,
      [&](storage::Tx& tx) {
        return workflows::update_channel(tx, channels, c.s.inventory, c.path.at("code"), p,
                                         c.now_ms());
      },
      [](const Channel& ch) { return channel_response(200, ch); });
}

// Channels decide where orders are numbered and which stock they sell: managers set them up.
Access channel_admins() { return roles({Role::manager}); }

// ---- listings, stock, deliveries, resync ----

// SKU-keyed pages: the cursor is the last SKU, opaque (base64url of "s1:<sku>").
struct SkuPage {
  std::string after;
  int limit = limits::kDefaultPageSize;
};

Result<SkuPage> sku_page(const Ctx& c) {
  SkuPage p;
  Params limit_only;
  if (auto it = c.query.find("limit"); it != c.query.end()) limit_only.emplace("limit", it->second);
  p.limit = FONDACO_TRY(page_request(limit_only, limits::kMaxPageSize)).limit;
  if (auto it = c.query.find("cursor"); it != c.query.end()) {
    auto raw = base64url_decode(it->second);
    if (!raw || !raw->starts_with("s1:") || raw->size() > 3 + limits::kMaxSkuChars)
      return fail(ErrorCode::invalid_argument, "is not a valid cursor", "cursor");
    p.after = raw->substr(3);
  }
  return p;
}

Response sku_page_response(std::string_view items, const std::optional<std::string>& next) {
  std::string body = "{\"items\":";
  body += items;
  body += ",\"next_cursor\":";
  body += next ? "\"" + base64url_encode("s1:" + *next) + "\"" : "null";
  body += "}";
  return json_response(200, std::move(body));
}

void write_listing(json::Writer& w, const channels::ChannelListing& l) {
  w.begin_object().kv("sku", l.sku).kv("external_sku", l.external_sku);
  w.kv("external_id", l.external_id).kv("inventory_item_id", l.inventory_item_id);
  w.kv("title", l.title).kv("price_minor", l.price_minor).key("active");
  if (l.active)
    w.boolean(*l.active);
  else
    w.null();
  w.kv("created_at", format_rfc3339_ms(l.created_at));
  w.kv("updated_at", format_rfc3339_ms(l.updated_at)).end_object();
}

void wake_after_commit(Ctx& c, storage::Tx& tx, std::int64_t channel_id) {
  if (c.s.channel_sync_wake)
    tx.after_commit([f = c.s.channel_sync_wake, channel_id] { f(channel_id); });
}

Result<Response> list_listings(Ctx& c) {
  FONDACO_TRY(allow_query(c, {"limit", "cursor"}));
  const auto page = FONDACO_TRY(sku_page(c));
  return c.s.db.read([&](storage::Tx& tx) -> Result<Response> {
    const Channel ch = FONDACO_TRY(channels::Channels::get(tx, c.path.at("code")));
    auto items = FONDACO_TRY(channels::Listings::list(tx, ch.id, page.after, page.limit + 1));
    std::optional<std::string> next;
    if (static_cast<int>(items.size()) > page.limit) {
      items.pop_back();
      next = items.back().sku;
    }
    json::Writer w;
    w.begin_array();
    for (const auto& l : items) write_listing(w, l);
    w.end_array();
    return sku_page_response(w.view(), next);
  });
}

Result<channels::ListingInput> read_listing(Ctx& c) {
  auto doc = FONDACO_TRY(json_body(c));
  Object o = FONDACO_TRY(Object::of(doc->root()));
  constexpr json::StringRule kExternal{limits::kMaxExternalRefChars, 0, false};
  channels::ListingInput in;
  in.sku = c.path.at("sku");
  in.external_sku = FONDACO_TRY(o.opt_string("external_sku", kExternal)).value_or("");
  in.external_id = FONDACO_TRY(o.opt_string("external_id", kExternal)).value_or("");
  in.inventory_item_id = FONDACO_TRY(o.opt_string("inventory_item_id", kExternal)).value_or("");
  in.title = FONDACO_TRY(o.opt_string("title", kName));
  in.price_minor = FONDACO_TRY(o.opt_int("price_minor"));
  in.active = FONDACO_TRY(o.opt_bool("active"));
  FONDACO_TRY(o.finish());
  return in;
}

Result<Response> put_listing(Ctx& c) {
  const auto in = FONDACO_TRY(read_listing(c));
  using Upserted = std::pair<channels::ChannelListing, bool>;
  return commit(
      c,
      [&](storage::Tx& tx) -> Result<Upserted> {
        const Channel ch = FONDACO_TRY(channels::Channels::get(tx, c.path.at("code")));
        if (!FONDACO_TRY(c.s.catalog.sku_exists(tx, in.sku)))
          return fail(ErrorCode::not_found, "unknown SKU", "sku");
        auto up = FONDACO_TRY(channels::Listings::upsert(tx, ch.id, in, c.now_ms()));
        if (ch.active && workflows::receives_pushes(ch.kind)) {
          // Listed now: the channel is told its stock and the listing at once.
          FONDACO_TRY(workflows::queue_stock(tx, c.s.inventory, ch, in.sku, c.now_ms()));
          const auto l = FONDACO_TRY(workflows::channel_listing(tx, c.s.catalog, up.first));
          FONDACO_TRY(workflows::queue_listing(tx, ch, l, c.now_ms()));
          wake_after_commit(c, tx, ch.id);
        }
        return up;
      },
      [](const Upserted& up) {
        json::Writer w;
        write_listing(w, up.first);
        return json_response(up.second ? 201 : 200, w.take());
      });
}

Result<Response> delete_listing(Ctx& c) {
  FONDACO_TRY(allow_query(c, {}));
  return commit(
      c,
      [&](storage::Tx& tx) -> Result<bool> {
        const Channel ch = FONDACO_TRY(channels::Channels::get(tx, c.path.at("code")));
        FONDACO_TRY(channels::Listings::remove(tx, ch.id, c.path.at("sku")));
        return true;
      },
      [](bool) {
        Response r;
        r.status = 204;
        return r;
      });
}

Result<void> write_stock_row(storage::Tx& tx, Ctx& c, const Channel& ch,
                             const channels::ChannelListing& l, json::Writer& w) {
  const auto available = FONDACO_TRY(workflows::channel_available(tx, c.s.inventory, ch, l.sku));
  const auto row =
      FONDACO_TRY(channels::SyncQueue::find(tx, ch.id, channels::SyncKind::stock, l.sku));
  w.begin_object().kv("sku", l.sku).kv("external_sku", l.external_sku);
  w.kv("available", available);
  w.kv("publishable", channels::publishable_quantity(ch.policy, available));
  w.kv("desired", row ? std::optional<std::int64_t>(row->desired) : std::nullopt);
  w.kv("published", row ? row->published : std::nullopt);
  w.kv("state", row ? row->state() : std::string_view("not_queued"));
  w.kv("attempts", row ? row->attempts : 0);
  w.kv("last_error", row ? row->last_error : std::nullopt);
  w.kv("updated_at", row ? std::optional<std::string>(format_rfc3339_ms(row->updated_at))
                         : std::nullopt);
  w.end_object();
  return ok();
}

Result<Response> channel_stock(Ctx& c) {
  FONDACO_TRY(allow_query(c, {"limit", "cursor"}));
  const auto page = FONDACO_TRY(sku_page(c));
  return c.s.db.read([&](storage::Tx& tx) -> Result<Response> {
    const Channel ch = FONDACO_TRY(channels::Channels::get(tx, c.path.at("code")));
    auto items = FONDACO_TRY(channels::Listings::list(tx, ch.id, page.after, page.limit + 1));
    std::optional<std::string> next;
    if (static_cast<int>(items.size()) > page.limit) {
      items.pop_back();
      next = items.back().sku;
    }
    json::Writer w;
    w.begin_array();
    for (const auto& l : items) FONDACO_TRY(write_stock_row(tx, c, ch, l, w));
    w.end_array();
    return sku_page_response(w.view(), next);
  });
}

Result<Response> channel_deliveries(Ctx& c) {
  FONDACO_TRY(allow_query(c, {"limit", "cursor"}));
  const auto page = FONDACO_TRY(page_request(c, limits::kMaxPageSize));
  return c.s.db.read([&](storage::Tx& tx) -> Result<Response> {
    const Channel ch = FONDACO_TRY(channels::Channels::get(tx, c.path.at("code")));
    auto items = FONDACO_TRY(
        channels::SyncQueue::deliveries(tx, ch.id, page.after_id, page.limit + 1));
    std::optional<std::int64_t> next;
    if (static_cast<int>(items.size()) > page.limit) {
      items.pop_back();
      next = items.back().id;
    }
    json::Writer w;
    w.begin_array();
    for (const auto& d : items)
      w.begin_object().kv("id", d.id).kv("kind", d.kind).kv("items", d.items)
          .kv("http_status", d.http_status).kv("outcome", d.outcome).kv("detail", d.detail)
          .kv("latency_ms", d.latency_ms).kv("at", format_rfc3339_ms(d.at)).end_object();
    w.end_array();
    return page_response(w.view(), next);
  });
}

Result<Response> resync_channel(Ctx& c) {
  FONDACO_TRY(allow_query(c, {}));
  return commit(
      c,
      [&](storage::Tx& tx) -> Result<int> {
        const Channel ch = FONDACO_TRY(channels::Channels::get(tx, c.path.at("code")));
        if (!workflows::receives_pushes(ch.kind))
          return fail(ErrorCode::conflict,
                      "channels of kind " + std::string(channels::to_string(ch.kind)) +
                          " receive no pushes",
                      "code");
        if (!ch.active) return fail(ErrorCode::conflict, "the channel is not active", "code");
        const int n = FONDACO_TRY(
            workflows::queue_channel(tx, c.s.catalog, c.s.inventory, ch, c.now_ms(), true));
        wake_after_commit(c, tx, ch.id);
        return n;
      },
      [](int n) {
        json::Writer w;
        w.begin_object().kv("queued", n).end_object();
        return json_response(202, w.take());
      });
}

}  // namespace

std::vector<Route> channels_routes() {
  return {
      {"POST", "/api/v1/channels", channel_admins(), create_channel},
      {"GET", "/api/v1/channels", any_role(), list_channels},
      {"GET", "/api/v1/channels/{code}", any_role(), get_channel},
      {"PATCH", "/api/v1/channels/{code}", channel_admins(), patch_channel},
      {"GET", "/api/v1/channels/{code}/listings", any_role(), list_listings},
      {"PUT", "/api/v1/channels/{code}/listings/{sku}", channel_admins(), put_listing},
      {"DELETE", "/api/v1/channels/{code}/listings/{sku}", channel_admins(), delete_listing},
      {"GET", "/api/v1/channels/{code}/stock", any_role(), channel_stock},
      {"GET", "/api/v1/channels/{code}/deliveries", any_role(), channel_deliveries},
      {"POST", "/api/v1/channels/{code}/resync", channel_admins(), resync_channel},
  };
}

}  // namespace fondaco::api

// ---- credentials ----
// PUT/GET /api/v1/channels/{code}/credentials: settings are shown, secrets never are (only
// their names and when they were set). Registered by channel_inbound_routes().
#include "fondaco/channels/credentials.h"

namespace fondaco::api {
namespace {

// One member of "settings" or "secrets": a string sets it, null removes it.
Result<void> apply_credential(storage::Tx& tx, std::int64_t channel_id, bool secret,
                              const std::string& name, const json::Value& v,
                              std::int64_t now_ms) {
  using channels::Credentials;
  if (v.IsNull()) return Credentials::remove(tx, channel_id, name, now_ms);
  const std::string path = std::string(secret ? "secrets." : "settings.") + name;
  if (!v.IsString())
    return fail(ErrorCode::invalid_argument, "must be a string, or null to remove it", path);
  const std::string_view value(v.GetString(), v.GetStringLength());
  auto r = secret ? Credentials::set_secret(tx, channel_id, name, value, now_ms)
                  : Credentials::set_setting(tx, channel_id, name, value, now_ms);
  if (!r) {
    Error e = r.error();
    e.field = path;
    return fail(std::move(e));
  }
  return ok();
}

Result<void> apply_credentials(storage::Tx& tx, std::int64_t channel_id, bool secret,
                               const json::Value* members, std::int64_t now_ms) {
  if (!members) return ok();
  if (!members->IsObject())
    return fail(ErrorCode::invalid_argument, "must be an object", secret ? "secrets" : "settings");
  if (members->MemberCount() > limits::kMaxChannelCredentials)
    return fail(ErrorCode::invalid_argument, "too many members", secret ? "secrets" : "settings");
  for (auto it = members->MemberBegin(); it != members->MemberEnd(); ++it)
    FONDACO_TRY(apply_credential(tx, channel_id, secret,
                                 std::string(it->name.GetString(), it->name.GetStringLength()),
                                 it->value, now_ms));
  return ok();
}

Result<Response> render_credentials(storage::Tx& tx, const Channel& ch, std::int64_t now_ms) {
  auto cfg = FONDACO_TRY(channels::Credentials::load(tx, ch.id));
  auto secrets = FONDACO_TRY(channels::Credentials::describe_secrets(tx, ch.id, now_ms));
  json::Writer w;
  w.begin_object().kv("channel", ch.code).key("settings").begin_object();
  for (const auto& [name, value] : cfg.settings) w.kv(name, value);
  w.end_object().key("secrets").begin_array();
  for (const auto& s : secrets)
    w.begin_object().kv("name", s.name).kv("set_at", format_rfc3339_ms(s.set_at))
        .kv_bool("previous_in_grace", s.previous_in_grace).end_object();
  w.end_array().end_object();
  return json_response(200, w.take());
}

Result<Response> put_credentials(Ctx& c) {
  auto doc = FONDACO_TRY(json_body(c));
  Object o = FONDACO_TRY(Object::of(doc->root()));
  const json::Value* settings = FONDACO_TRY(o.opt_object("settings"));
  const json::Value* secrets = FONDACO_TRY(o.opt_object("secrets"));
  FONDACO_TRY(o.finish());
  // The response lists secret names only, so it may be kept for Idempotency-Key replays.
  return commit(
      c,
      [&](storage::Tx& tx) -> Result<Response> {
        const Channel ch = FONDACO_TRY(channels::Channels::get(tx, c.path.at("code")));
        FONDACO_TRY(apply_credentials(tx, ch.id, false, settings, c.now_ms()));
        FONDACO_TRY(apply_credentials(tx, ch.id, true, secrets, c.now_ms()));
        return render_credentials(tx, ch, c.now_ms());
      },
      [](const Response& r) { return r; });
}

Result<Response> get_credentials(Ctx& c) {
  FONDACO_TRY(allow_query(c, {}));
  return c.s.db.read([&](storage::Tx& tx) -> Result<Response> {
    const Channel ch = FONDACO_TRY(channels::Channels::get(tx, c.path.at("code")));
    return render_credentials(tx, ch, c.now_ms());
  });
}

}  // namespace

// Credentials are how Fondaco acts as the seller on a channel: managers only, like channels.
std::vector<Route> channel_credentials_routes() {
  return {
      {"PUT", "/api/v1/channels/{code}/credentials", roles({Role::manager}), put_credentials},
      {"GET", "/api/v1/channels/{code}/credentials", roles({Role::manager}), get_credentials},
  };
}

}  // namespace fondaco::api
// ---- end credentials ----
