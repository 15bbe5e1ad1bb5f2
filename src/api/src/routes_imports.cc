// Product and order files over HTTP: POST /api/v1/imports (a Shopify or WooCommerce product
// CSV as the body; the answer is the import report), GET /api/v1/exports/products.csv and
// GET /api/v1/exports/orders.csv. The import applies products in batch transactions of its
// own (src/workflows/product_import.h), not through the group-commit writer: one request
// may hold thousands of products, and each is atomic in its own savepoint. A repeated
// import is harmless (products come back unchanged); an Idempotency-Key is honoured by
// recording the report once the import is done.
#include <cstring>
#include <memory>

#include "fondaco/base/limits.h"
#include "fondaco/base/text.h"
#include "fondaco/shopify/product_csv.h"
#include "fondaco/woocommerce/product_csv.h"
#include "fondaco/workflows/product_import.h"
#include "router.h"

namespace fondaco::api {
namespace {

Result<std::string> query_format(const Ctx& c) {
  auto it = c.query.find("format");
  if (it == c.query.end())
    return fail(ErrorCode::invalid_argument, "is required (shopify or woocommerce)", "format");
  if (it->second != "shopify" && it->second != "woocommerce")
    return fail(ErrorCode::invalid_argument, "must be shopify or woocommerce", "format");
  return it->second;
}

Result<workflows::ImportOptions> price_options(const Ctx& c) {
  workflows::ImportOptions o;
  auto code = [&](std::string_view name) -> Result<std::optional<std::string>> {
    auto it = c.query.find(name);
    if (it == c.query.end()) return std::optional<std::string>{};
    if (!is_valid_code(it->second, limits::kMaxCodeChars))
      return fail(ErrorCode::invalid_argument, "must be a price list code", std::string(name));
    return std::optional<std::string>(it->second);
  };
  if (auto p = FONDACO_TRY(code("price_list"))) o.price_list = *p;
  o.compare_at_price_list = FONDACO_TRY(code("compare_at_price_list"));
  o.now_ms = c.now_ms();
  return o;
}

Response csv_response(std::string body, std::string_view filename) {
  Response r;
  r.status = 200;
  r.body = std::move(body);
  r.set_header("Content-Type", "text/csv; charset=utf-8");
  r.set_header("Content-Disposition", "attachment; filename=\"" + std::string(filename) + "\"");
  return r;
}

Result<Response> import_file(Ctx& c) {
  FONDACO_TRY(allow_query(c, {"type", "format", "price_list", "compare_at_price_list"}));
  auto type = c.query.find("type");
  if (type == c.query.end() || type->second != "products")
    return fail(ErrorCode::invalid_argument, "must be products", "type");
  const std::string format = FONDACO_TRY(query_format(c));
  const auto ct = c.req.header("Content-Type");
  if (!ct.starts_with("text/csv"))
    return fail(ErrorCode::unsupported_media_type, "Content-Type must be text/csv", "Content-Type");
  auto o = FONDACO_TRY(price_options(c));
  csv::Reader::Source source = [body = std::string_view(c.req.body), off = std::size_t{0}](
                                   char* buf, std::size_t cap) mutable {
    std::size_t n = std::min(cap, body.size() - off);
    std::memcpy(buf, body.data() + off, n);
    off += n;
    return n;
  };
  std::unique_ptr<product_file::ProductSource> reader;
  if (format == "woocommerce")
    reader = std::make_unique<woocommerce::ProductCsvReader>(source);
  else
    reader = std::make_unique<shopify::ProductCsvReader>(source);
  auto report = FONDACO_TRY(workflows::import_products(c.s.db, c.s.catalog, *reader, o));
  const bool nothing = report.products_created + report.products_updated +
                           report.products_unchanged + report.products_refused ==
                       0;
  if (report.fatal && nothing) return fail(*report.fatal);  // e.g. not a product CSV at all
  Response out = json_response(200, workflows::report_json(report));
  if (c.idem) {
    FONDACO_TRY(c.s.db.write(
        [&](storage::Tx& tx) { return Idempotency::record(tx, *c.idem, out, true, c.now_ms()); }));
    c.idem_recorded = true;
  }
  return out;
}

Result<Response> export_products(Ctx& c) {
  FONDACO_TRY(allow_query(c, {"format", "price_list", "compare_at_price_list"}));
  const std::string format = FONDACO_TRY(query_format(c));
  auto o = FONDACO_TRY(price_options(c));
  const bool woo = format == "woocommerce";
  std::string out = woo ? woocommerce::product_csv_header() : shopify::product_csv_header();
  FONDACO_TRY(workflows::for_each_product_record(
      c.s.db, c.s.catalog, o, [&](const product_file::ProductRecord& p) -> Result<void> {
        if (woo)
          woocommerce::append_product_csv(out, p);
        else
          shopify::append_product_csv(out, p);
        return ok();
      }));
  return csv_response(std::move(out), "products-" + format + ".csv");
}

Result<std::optional<std::int64_t>> query_time(const Ctx& c, std::string_view name) {
  auto it = c.query.find(name);
  if (it == c.query.end()) return std::optional<std::int64_t>{};
  auto t = parse_rfc3339(it->second);
  if (!t)
    return fail(ErrorCode::invalid_argument, "must be an RFC 3339 timestamp", std::string(name));
  return std::optional<std::int64_t>(*t);
}

Result<Response> export_orders(Ctx& c) {
  FONDACO_TRY(allow_query(c, {"from", "to", "channel", "status"}));
  orders::OrderFilter f;
  if (auto it = c.query.find("status"); it != c.query.end()) {
    f.status = orders::parse_status(it->second);
    if (!f.status) return fail(ErrorCode::invalid_argument, "unknown order status", "status");
  }
  if (auto it = c.query.find("channel"); it != c.query.end()) {
    if (it->second.empty() || utf8_length(it->second) > limits::kMaxChannelChars)
      return fail(ErrorCode::invalid_argument, "must be a channel code", "channel");
    f.channel = it->second;
  }
  f.created_from_ms = FONDACO_TRY(query_time(c, "from"));
  f.created_to_ms = FONDACO_TRY(query_time(c, "to"));
  orders::Orders orders(c.s.log);
  std::string out;
  FONDACO_TRY(workflows::export_orders_csv(c.s.db, orders, f,
                                           [&](std::string_view piece) { out += piece; }));
  return csv_response(std::move(out), "orders.csv");
}

Access file_importers() { return roles({Role::manager, Role::marketing}); }

}  // namespace

std::vector<Route> imports_routes() {
  return {
      {"POST", "/api/v1/imports", file_importers(), import_file},
      {"GET", "/api/v1/exports/products.csv", file_importers(), export_products},
      {"GET", "/api/v1/exports/orders.csv", any_role(), export_orders},
  };
}

}  // namespace fondaco::api
