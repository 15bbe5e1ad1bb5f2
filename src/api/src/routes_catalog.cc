// Catalog resources: products (with variants and prices), variants by SKU, price lists.
#include "fondaco/base/limits.h"
#include "fondaco/base/text.h"
#include "router.h"

namespace fondaco::api {
namespace {

using catalog::Product;
using catalog::ProductStatus;
using catalog::Variant;
using json::Object;

constexpr json::StringRule kShort{limits::kMaxShortTextChars, 0, false};
constexpr json::StringRule kTitle{limits::kMaxTitleChars, 1, false};
constexpr json::StringRule kDescription{limits::kMaxDescriptionBytes, 0, true};
constexpr json::StringRule kCode{limits::kMaxSkuChars, 1, false};

// ---- JSON → inputs ----

Result<std::vector<catalog::PriceInput>> read_prices(const json::Value& arr,
                                                     const std::string& path) {
  std::vector<catalog::PriceInput> out;
  for (rapidjson::SizeType i = 0; i < arr.Size(); ++i) {
    Object o = FONDACO_TRY(Object::of(arr[i], json::index_path(path, i)));
    catalog::PriceInput p;
    if (auto pl = FONDACO_TRY(o.opt_string("price_list", {limits::kMaxCodeChars, 1, false})))
      p.price_list = *pl;
    p.amount_minor = FONDACO_TRY(o.req_int("amount_minor", {0, limits::kMaxAmountMinor}));
    p.min_qty = FONDACO_TRY(o.opt_int("min_qty", {1, limits::kMaxQuantity})).value_or(1);
    FONDACO_TRY(o.finish());
    out.push_back(std::move(p));
  }
  return out;
}

Result<catalog::VariantInput> read_variant(const json::Value& v, const std::string& path) {
  Object o = FONDACO_TRY(Object::of(v, path));
  catalog::VariantInput in;
  in.sku = FONDACO_TRY(o.req_string("sku", kCode));
  in.gtin = FONDACO_TRY(o.opt_string("gtin", {14, 1, false}));
  if (const json::Value* opts = FONDACO_TRY(o.opt_object("options"))) {
    if (opts->MemberCount() > limits::kMaxOptionsPerVariant)
      return fail(ErrorCode::invalid_argument, "has too many options", o.field("options"));
    for (auto it = opts->MemberBegin(); it != opts->MemberEnd(); ++it) {
      const std::string name(it->name.GetString(), it->name.GetStringLength());
      const std::string f = o.field("options") + "." + name;
      if (name.empty() || utf8_length(name) > 64 || has_control_chars(name))
        return fail(ErrorCode::invalid_argument, "option names must be 1-64 characters", f);
      in.options.emplace_back(name, FONDACO_TRY(json::check_string(it->value, f, {100, 1, false})));
    }
  }
  in.weight_g = FONDACO_TRY(o.opt_int("weight_g", {0, limits::kMaxWeightGrams}));
  in.cost_minor = FONDACO_TRY(o.opt_int("cost_minor", {0, limits::kMaxAmountMinor}));
  if (auto rate = FONDACO_TRY(o.opt_int("vat_rate_bp", {0, limits::kMaxVatRateBp})))
    in.vat_rate_bp = static_cast<int>(*rate);
  in.natura = FONDACO_TRY(o.opt_string("natura", {8, 1, false}));
  if (const json::Value* prices = FONDACO_TRY(o.opt_array("prices", limits::kMaxPricesPerVariant)))
    in.prices = FONDACO_TRY(read_prices(*prices, o.field("prices")));
  FONDACO_TRY(o.finish());
  return in;
}

Result<std::vector<catalog::VariantInput>> read_variants(Object& o, bool required) {
  std::vector<catalog::VariantInput> out;
  const json::Value* arr =
      required ? FONDACO_TRY(o.req_array("variants", limits::kMaxVariantsPerProduct))
               : FONDACO_TRY(o.opt_array("variants", limits::kMaxVariantsPerProduct));
  if (!arr) return out;
  for (rapidjson::SizeType i = 0; i < arr->Size(); ++i)
    out.push_back(FONDACO_TRY(read_variant((*arr)[i], json::index_path("variants", i))));
  return out;
}

Result<std::optional<ProductStatus>> read_status(Object& o) {
  auto s = FONDACO_TRY(o.opt_string("status", {16, 1, false}));
  if (!s) return std::optional<ProductStatus>{};
  auto st = catalog::parse_status(*s);
  if (!st)
    return fail(ErrorCode::invalid_argument, "must be draft, active or archived", "status");
  return st;
}

Result<catalog::ProductInput> read_product(const json::Value& root) {
  Object o = FONDACO_TRY(Object::of(root));
  catalog::ProductInput in;
  in.title = FONDACO_TRY(o.req_string("title", kTitle));
  in.handle = FONDACO_TRY(o.opt_string("handle", {100, 1, false}));
  in.description = FONDACO_TRY(o.opt_string("description", kDescription)).value_or("");
  in.brand = FONDACO_TRY(o.opt_string("brand", kShort)).value_or("");
  in.category = FONDACO_TRY(o.opt_string("category", kShort)).value_or("");
  in.status = FONDACO_TRY(read_status(o)).value_or(ProductStatus::draft);
  in.seo_title = FONDACO_TRY(o.opt_string("seo_title", kShort)).value_or("");
  in.seo_description = FONDACO_TRY(o.opt_string("seo_description", {1000, 0, false})).value_or("");
  in.variants = FONDACO_TRY(read_variants(o, true));
  FONDACO_TRY(o.finish());
  return in;
}

Result<catalog::ProductPatch> read_patch(const json::Value& root) {
  Object o = FONDACO_TRY(Object::of(root));
  catalog::ProductPatch p;
  p.title = FONDACO_TRY(o.opt_string("title", kTitle));
  p.handle = FONDACO_TRY(o.opt_string("handle", {100, 1, false}));
  p.description = FONDACO_TRY(o.opt_string("description", kDescription));
  p.brand = FONDACO_TRY(o.opt_string("brand", kShort));
  p.category = FONDACO_TRY(o.opt_string("category", kShort));
  p.status = FONDACO_TRY(read_status(o));
  p.seo_title = FONDACO_TRY(o.opt_string("seo_title", kShort));
  p.seo_description = FONDACO_TRY(o.opt_string("seo_description", {1000, 0, false}));
  p.variants = FONDACO_TRY(read_variants(o, false));
  FONDACO_TRY(o.finish());
  return p;
}

// ---- outputs → JSON ----

// Members of a variant object, without the braces (callers may add members).
void write_variant_members(json::Writer& w, const Variant& v) {
  w.kv("id", v.id).kv("product_id", v.product_id).kv("sku", v.sku);
  w.kv("gtin", v.gtin).key("options").begin_object();
  for (const auto& [k, val] : v.options) w.kv(k, val);
  w.end_object().kv("weight_g", v.weight_g).kv("cost_minor", v.cost_minor);
  w.kv("vat_rate_bp", v.vat_rate_bp).kv("natura", v.natura).key("prices").begin_array();
  for (const auto& p : v.prices) {
    w.begin_object().kv("price_list", p.price_list).kv("currency", p.currency);
    w.kv("amount_minor", p.amount_minor).kv("min_qty", p.min_qty).end_object();
  }
  w.end_array();
  w.kv("created_at", format_rfc3339_ms(v.created_at));
  w.kv("updated_at", format_rfc3339_ms(v.updated_at));
}

void write_variant(json::Writer& w, const Variant& v) {
  w.begin_object();
  write_variant_members(w, v);
  w.end_object();
}

void write_product(json::Writer& w, const Product& p) {
  w.begin_object().kv("id", p.id).kv("handle", p.handle).kv("title", p.title);
  w.kv("description", p.description).kv("brand", p.brand).kv("category", p.category);
  w.kv("status", catalog::to_string(p.status)).kv("seo_title", p.seo_title);
  w.kv("seo_description", p.seo_description).key("variants").begin_array();
  for (const auto& v : p.variants) write_variant(w, v);
  w.end_array().kv("created_at", format_rfc3339_ms(p.created_at));
  w.kv("updated_at", format_rfc3339_ms(p.updated_at)).end_object();
}

Response product_response(int status, const Product& p) {
  json::Writer w;
  write_product(w, p);
  return json_response(status, w.take());
}

// ---- handlers ----

Result<Response> create_product(Ctx& c) {
  auto doc = FONDACO_TRY(json_body(c));
  auto in = FONDACO_TRY(read_product(doc->root()));
  return commit(
      c, [&](storage::Tx& tx) { return c.s.catalog.create(tx, in, c.now_ms()); },
      [](const Product& p) {
        Response r = product_response(201, p);
        r.set_header("Location", "/api/v1/products/" + std::to_string(p.id));
        return r;
      });
}

Result<Response> list_products(Ctx& c) {
  FONDACO_TRY(allow_query(c, {"limit", "cursor", "status", "category", "q"}));
  const auto page = FONDACO_TRY(page_request(c, limits::kMaxPageSize));
  catalog::ProductFilter f;
  f.after_id = page.after_id;
  f.limit = page.limit;
  if (auto it = c.query.find("status"); it != c.query.end()) {
    f.status = catalog::parse_status(it->second);
    if (!f.status)
      return fail(ErrorCode::invalid_argument, "must be draft, active or archived", "status");
  }
  if (auto it = c.query.find("category"); it != c.query.end()) f.category = it->second;
  if (auto it = c.query.find("q"); it != c.query.end()) {
    if (utf8_length(it->second) > limits::kMaxSearchChars)
      return fail(ErrorCode::invalid_argument, "must be at most 100 characters", "q");
    f.q = it->second;
  }
  auto result = FONDACO_TRY(c.s.db.read([&](storage::Tx& tx) { return c.s.catalog.list(tx, f); }));
  json::Writer w;
  w.begin_array();
  for (const auto& p : result.items) write_product(w, p);
  w.end_array();
  return page_response(w.view(), result.next_after);
}

Result<Response> get_product(Ctx& c) {
  FONDACO_TRY(allow_query(c, {}));
  const auto id = FONDACO_TRY(path_id(c, "id"));
  auto p = FONDACO_TRY(c.s.db.read([&](storage::Tx& tx) { return c.s.catalog.get(tx, id); }));
  return product_response(200, p);
}

Result<Response> patch_product(Ctx& c) {
  const auto id = FONDACO_TRY(path_id(c, "id"));
  auto doc = FONDACO_TRY(json_body(c));
  auto patch = FONDACO_TRY(read_patch(doc->root()));
  return commit(
      c, [&](storage::Tx& tx) { return c.s.catalog.update(tx, id, patch, c.now_ms()); },
      [](const Product& p) { return product_response(200, p); });
}

Result<Response> archive_product(Ctx& c) {
  const auto id = FONDACO_TRY(path_id(c, "id"));
  return commit(
      c, [&](storage::Tx& tx) { return c.s.catalog.archive(tx, id, c.now_ms()); },
      [](const Product& p) { return product_response(200, p); });
}

Result<Response> get_variant(Ctx& c) {
  FONDACO_TRY(allow_query(c, {}));
  const std::string& sku = c.path.at("sku");
  ReadCache::Lookup cached;
  if (c.variant_cache) {
    cached = c.variant_cache->find(sku);
    if (cached.body) return json_response(200, *cached.body);
  }
  json::Writer w;
  FONDACO_TRY(c.s.db.read([&](storage::Tx& tx) -> Result<void> {
    const Variant v = FONDACO_TRY(c.s.catalog.variant(tx, sku));
    const Product p = FONDACO_TRY(c.s.catalog.summary(tx, v.product_id));
    const auto stock = FONDACO_TRY(c.s.inventory.stock(tx, sku));
    // The variant, the product it belongs to and its live stock, in one snapshot.
    w.begin_object();
    write_variant_members(w, v);
    w.key("product").begin_object().kv("id", p.id).kv("handle", p.handle).kv("title", p.title);
    w.kv("status", catalog::to_string(p.status)).end_object();
    w.key("stock").begin_object().kv("on_hand", stock.on_hand).kv("reserved", stock.reserved);
    w.kv("available", stock.available).key("locations").begin_array();
    for (const auto& b : stock.locations) {
      w.begin_object().kv("location", b.location).kv("on_hand", b.on_hand);
      w.kv("reserved", b.reserved).kv("available", b.available()).end_object();
    }
    w.end_array().end_object().end_object();
    return ok();
  }));
  std::string body = w.take();
  if (c.variant_cache) c.variant_cache->put(sku, cached.generation, body);
  return json_response(200, std::move(body));
}

void write_price_list(json::Writer& w, const catalog::PriceList& l) {
  w.begin_object().kv("id", l.id).kv("code", l.code).kv("name", l.name);
  w.kv("currency", l.currency).kv("customer_group", l.customer_group).end_object();
}

Result<Response> create_price_list(Ctx& c) {
  auto doc = FONDACO_TRY(json_body(c));
  Object o = FONDACO_TRY(Object::of(doc->root()));
  catalog::PriceListInput in;
  in.code = FONDACO_TRY(o.req_string("code", {limits::kMaxCodeChars, 1, false}));
  in.name = FONDACO_TRY(o.req_string("name", kShort));
  in.currency = FONDACO_TRY(o.opt_string("currency", {3, 3, false})).value_or("EUR");
  in.customer_group = FONDACO_TRY(o.opt_string("customer_group", {limits::kMaxCodeChars, 1, false}));
  FONDACO_TRY(o.finish());
  return commit(
      c, [&](storage::Tx& tx) { return c.s.catalog.create_price_list(tx, in, c.now_ms()); },
      [](const catalog::PriceList& l) {
        json::Writer w;
        write_price_list(w, l);
        return json_response(201, w.take());
      });
}

Result<Response> list_price_lists(Ctx& c) {
  FONDACO_TRY(allow_query(c, {}));
  auto lists = FONDACO_TRY(c.s.db.read([&](storage::Tx& tx) { return c.s.catalog.price_lists(tx); }));
  json::Writer w;
  w.begin_array();
  for (const auto& l : lists) write_price_list(w, l);
  w.end_array();
  return page_response(w.view(), std::nullopt);
}

Access catalog_writers() { return roles({Role::manager, Role::purchasing, Role::integration}); }

}  // namespace

std::vector<Route> catalog_routes() {
  return {
      {"POST", "/api/v1/products", catalog_writers(), create_product},
      {"GET", "/api/v1/products", any_role(), list_products},
      {"GET", "/api/v1/products/{id}", any_role(), get_product},
      {"PATCH", "/api/v1/products/{id}", catalog_writers(), patch_product},
      {"DELETE", "/api/v1/products/{id}", roles({Role::manager, Role::purchasing}), archive_product},
      {"GET", "/api/v1/variants/{sku}", any_role(), get_variant},
      {"POST", "/api/v1/price-lists", roles({Role::manager, Role::purchasing}), create_price_list},
      {"GET", "/api/v1/price-lists", any_role(), list_price_lists},
  };
}

}  // namespace fondaco::api
