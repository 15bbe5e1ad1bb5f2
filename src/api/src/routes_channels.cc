// Channel resources: the registry of sales channels (code, kind, name, order number prefix,
// location priority, active). Creating and changing one checks its locations against the
// inventory in the same transaction (workflows/channels.h).
#include "fondaco/base/limits.h"
#include "fondaco/base/text.h"
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

}  // namespace

std::vector<Route> channels_routes() {
  return {
      {"POST", "/api/v1/channels", channel_admins(), create_channel},
      {"GET", "/api/v1/channels", any_role(), list_channels},
      {"GET", "/api/v1/channels/{code}", any_role(), get_channel},
      {"PATCH", "/api/v1/channels/{code}", channel_admins(), patch_channel},
  };
}

}  // namespace fondaco::api
