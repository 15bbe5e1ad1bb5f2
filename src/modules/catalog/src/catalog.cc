#include "fondaco/catalog/catalog.h"

#include <algorithm>
#include <array>
#include <map>
#include <set>

#include "fondaco/base/limits.h"
#include "fondaco/base/money.h"
#include "fondaco/base/text.h"
#include "fondaco/platform/json.h"

namespace fondaco::catalog {

using storage::Rows;
using storage::Tx;
using storage::Value;

std::string_view to_string(ProductStatus s) {
  switch (s) {
    case ProductStatus::draft: return "draft";
    case ProductStatus::active: return "active";
    case ProductStatus::archived: return "archived";
  }
  return "draft";
}

std::optional<ProductStatus> parse_status(std::string_view s) {
  if (s == "draft") return ProductStatus::draft;
  if (s == "active") return ProductStatus::active;
  if (s == "archived") return ProductStatus::archived;
  return std::nullopt;
}

bool is_valid_natura(std::string_view code) {
  static constexpr std::array<std::string_view, 21> kCodes = {
      "N1",   "N2.1", "N2.2", "N3.1", "N3.2", "N3.3", "N3.4", "N3.5", "N3.6", "N4", "N5",
      "N6.1", "N6.2", "N6.3", "N6.4", "N6.5", "N6.6", "N6.7", "N6.8", "N6.9", "N7"};
  return std::find(kCodes.begin(), kCodes.end(), code) != kCodes.end();
}

namespace {

constexpr std::string_view kProductColumns =
    "id, handle, title, description, brand, category, status, seo_title, seo_description, "
    "created_at, updated_at";
constexpr std::string_view kVariantColumns =
    "id, product_id, sku, gtin, options, weight_g, cost_minor, vat_rate_bp, natura, created_at, "
    "updated_at";

std::string slugify(std::string_view title) {
  std::string out;
  for (char c : ascii_lower(title)) {
    const bool alnum = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
    if (alnum) out += c;
    else if (!out.empty() && out.back() != '-') out += '-';
  }
  while (!out.empty() && out.back() == '-') out.pop_back();
  if (out.size() > 80) out.resize(80);
  return out.empty() ? "product" : out;
}

std::string placeholders(std::size_t n) {
  std::string s;
  for (std::size_t i = 0; i < n; ++i) s += i ? ",?" : "?";
  return s;
}

std::string options_json(const std::vector<std::pair<std::string, std::string>>& options) {
  json::Writer w;
  w.begin_object();
  for (const auto& [k, v] : options) w.kv(k, v);
  w.end_object();
  return w.take();
}

std::vector<std::pair<std::string, std::string>> parse_options(const std::string& text) {
  std::vector<std::pair<std::string, std::string>> out;
  auto doc = json::parse(text);
  if (!doc || !(*doc)->root().IsObject()) return out;
  for (auto it = (*doc)->root().MemberBegin(); it != (*doc)->root().MemberEnd(); ++it)
    if (it->value.IsString()) out.emplace_back(it->name.GetString(), it->value.GetString());
  return out;
}

Product product_from(const Rows& r, std::size_t i) {
  Product p;
  p.id = r.i64(i, 0);
  p.handle = r.text(i, 1);
  p.title = r.text(i, 2);
  p.description = r.text(i, 3);
  p.brand = r.text(i, 4);
  p.category = r.text(i, 5);
  p.status = parse_status(r.text(i, 6)).value_or(ProductStatus::draft);
  p.seo_title = r.text(i, 7);
  p.seo_description = r.text(i, 8);
  p.created_at = r.i64(i, 9);
  p.updated_at = r.i64(i, 10);
  return p;
}

Variant variant_from(const Rows& r, std::size_t i) {
  Variant v;
  v.id = r.i64(i, 0);
  v.product_id = r.i64(i, 1);
  v.sku = r.text(i, 2);
  v.gtin = r.opt_text(i, 3);
  v.options = parse_options(r.text(i, 4));
  v.weight_g = r.opt_i64(i, 5);
  v.cost_minor = r.opt_i64(i, 6);
  v.vat_rate_bp = static_cast<int>(r.i64(i, 7));
  v.natura = r.opt_text(i, 8);
  v.created_at = r.i64(i, 9);
  v.updated_at = r.i64(i, 10);
  return v;
}

Result<void> check_text(const std::string& s, const std::string& field, std::size_t max_chars) {
  if (!is_valid_utf8(s)) return fail(ErrorCode::invalid_argument, "is not valid UTF-8", field);
  if (utf8_length(s) > max_chars)
    return fail(ErrorCode::invalid_argument,
                "must be at most " + std::to_string(max_chars) + " characters", field);
  return ok();
}

Result<void> validate_product_fields(const std::optional<std::string>& title,
                                     const std::optional<std::string>& handle,
                                     const std::optional<std::string>& description,
                                     const std::optional<std::string>& brand,
                                     const std::optional<std::string>& category,
                                     const std::optional<std::string>& seo_title,
                                     const std::optional<std::string>& seo_description) {
  if (title) {
    if (title->empty()) return fail(ErrorCode::invalid_argument, "must not be empty", "title");
    FONDACO_TRY(check_text(*title, "title", limits::kMaxTitleChars));
  }
  if (handle && (handle->empty() || !is_valid_code(*handle, 100) ||
                 ascii_lower(*handle) != *handle || handle->find_first_of("./_") != std::string::npos))
    return fail(ErrorCode::invalid_argument,
                "must be lower-case letters, digits and dashes (at most 100)", "handle");
  if (description) FONDACO_TRY(check_text(*description, "description", limits::kMaxDescriptionBytes));
  if (brand) FONDACO_TRY(check_text(*brand, "brand", limits::kMaxShortTextChars));
  if (category) FONDACO_TRY(check_text(*category, "category", limits::kMaxShortTextChars));
  if (seo_title) FONDACO_TRY(check_text(*seo_title, "seo_title", limits::kMaxShortTextChars));
  if (seo_description)
    FONDACO_TRY(check_text(*seo_description, "seo_description", 1000));
  return ok();
}

Result<std::string> unique_handle(Tx& tx, const std::string& wanted, std::int64_t self_id) {
  for (int n = 1; n < 1000; ++n) {
    const std::string candidate = n == 1 ? wanted : wanted + "-" + std::to_string(n);
    auto rows = FONDACO_TRY(tx.query("SELECT id FROM products WHERE handle = ?", {candidate}));
    if (rows.empty() || rows.i64(0, 0) == self_id) return candidate;
  }
  return fail(ErrorCode::conflict, "too many products share this handle", "handle");
}

}  // namespace

Result<void> Catalog::validate_variant(Tx& tx, const VariantInput& v, const std::string& path,
                                       bool creating) {
  if (!is_valid_code(v.sku, limits::kMaxSkuChars))
    return fail(ErrorCode::invalid_argument,
                "must be 1-64 characters of letters, digits and . _ - /", path + ".sku");
  if (v.gtin && !is_valid_gtin(*v.gtin))
    return fail(ErrorCode::invalid_argument,
                "is not a valid GTIN-8/12/13/14 (wrong length or check digit)", path + ".gtin");
  if (v.options.size() > limits::kMaxOptionsPerVariant)
    return fail(ErrorCode::invalid_argument, "has too many options", path + ".options");
  if (v.weight_g && (*v.weight_g < 0 || *v.weight_g > limits::kMaxWeightGrams))
    return fail(ErrorCode::invalid_argument, "is out of range", path + ".weight_g");
  if (v.cost_minor && (*v.cost_minor < 0 || *v.cost_minor > limits::kMaxAmountMinor))
    return fail(ErrorCode::invalid_argument, "is out of range", path + ".cost_minor");
  if (v.vat_rate_bp && (*v.vat_rate_bp < 0 || *v.vat_rate_bp > limits::kMaxVatRateBp))
    return fail(ErrorCode::invalid_argument, "must be between 0 and 10000 basis points",
                path + ".vat_rate_bp");
  if (v.natura && !is_valid_natura(*v.natura))
    return fail(ErrorCode::invalid_argument,
                "must be a FatturaPA 1.2.2 Natura code (N1, N2.1, N2.2, N3.1-N3.6, N4, N5, "
                "N6.1-N6.9, N7)",
                path + ".natura");
  if (creating) {
    const int rate = v.vat_rate_bp.value_or(2200);
    if (rate == 0 && !v.natura)
      return fail(ErrorCode::invalid_argument, "is required when vat_rate_bp is 0",
                  path + ".natura");
    if (rate != 0 && v.natura)
      return fail(ErrorCode::invalid_argument, "is only allowed when vat_rate_bp is 0",
                  path + ".natura");
    auto dup = FONDACO_TRY(tx.query("SELECT 1 FROM variants WHERE sku = ?", {v.sku}));
    if (!dup.empty()) return fail(ErrorCode::conflict, "SKU already exists", path + ".sku");
  }
  if (v.gtin) {
    auto dup = FONDACO_TRY(
        tx.query("SELECT sku FROM variants WHERE gtin = ? AND sku <> ?", {*v.gtin, v.sku}));
    if (!dup.empty())
      return fail(ErrorCode::conflict, "GTIN already used by SKU " + dup.text(0, 0),
                  path + ".gtin");
  }
  return ok();
}

Result<void> Catalog::replace_prices(Tx& tx, std::int64_t variant_id,
                                     const std::vector<PriceInput>& prices,
                                     const std::string& path) {
  if (prices.size() > limits::kMaxPricesPerVariant)
    return fail(ErrorCode::invalid_argument, "has too many prices", path + ".prices");
  FONDACO_TRY(tx.exec("DELETE FROM prices WHERE variant_id = ?", {variant_id}));
  std::set<std::pair<std::string, std::int64_t>> seen;
  for (std::size_t i = 0; i < prices.size(); ++i) {
    const auto& p = prices[i];
    const std::string f = json::index_path(path + ".prices", i);
    if (p.amount_minor < 0 || p.amount_minor > limits::kMaxAmountMinor)
      return fail(ErrorCode::invalid_argument, "is out of range", f + ".amount_minor");
    if (p.min_qty < 1 || p.min_qty > limits::kMaxQuantity)
      return fail(ErrorCode::invalid_argument, "must be between 1 and 1000000", f + ".min_qty");
    if (!seen.emplace(p.price_list, p.min_qty).second)
      return fail(ErrorCode::invalid_argument, "duplicate price for this list and min_qty", f);
    auto list = FONDACO_TRY(tx.query("SELECT id FROM price_lists WHERE code = ?", {p.price_list}));
    if (list.empty())
      return fail(ErrorCode::invalid_argument, "unknown price list", f + ".price_list");
    FONDACO_TRY(tx.exec(
        "INSERT INTO prices (price_list_id, variant_id, min_qty, amount_minor) VALUES (?, ?, ?, ?)",
        {list.i64(0, 0), variant_id, p.min_qty, p.amount_minor}));
  }
  return ok();
}

Result<void> Catalog::insert_variant(Tx& tx, std::int64_t product_id, const VariantInput& v,
                                     const std::string& path, std::int64_t now_ms) {
  FONDACO_TRY(validate_variant(tx, v, path, true));
  auto rows = FONDACO_TRY(tx.query(
      "INSERT INTO variants (product_id, sku, gtin, options, weight_g, cost_minor, vat_rate_bp, "
      "natura, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
      {product_id, v.sku, storage::opt_value(v.gtin), options_json(v.options),
       storage::opt_value(v.weight_g), storage::opt_value(v.cost_minor),
       std::int64_t{v.vat_rate_bp.value_or(2200)}, storage::opt_value(v.natura), now_ms, now_ms}));
  if (v.prices) FONDACO_TRY(replace_prices(tx, rows.i64(0, 0), *v.prices, path));
  return ok();
}

Result<void> Catalog::update_variant(Tx& tx, std::int64_t variant_id, const VariantInput& v,
                                     const std::string& path, std::int64_t now_ms) {
  FONDACO_TRY(validate_variant(tx, v, path, false));
  FONDACO_TRY(tx.exec("UPDATE variants SET updated_at = updated_at WHERE id = ?", {variant_id}));
  auto cur = FONDACO_TRY(tx.query(
      "SELECT " + std::string(kVariantColumns) + " FROM variants WHERE id = ?", {variant_id}));
  Variant old = variant_from(cur, 0);
  const int rate = v.vat_rate_bp.value_or(old.vat_rate_bp);
  std::optional<std::string> natura = v.natura ? v.natura : old.natura;
  if (rate != 0) natura.reset();  // a taxed line has no exemption nature
  if (rate == 0 && !natura)
    return fail(ErrorCode::invalid_argument, "is required when vat_rate_bp is 0",
                path + ".natura");
  FONDACO_TRY(tx.exec(
      "UPDATE variants SET gtin = ?, options = ?, weight_g = ?, cost_minor = ?, vat_rate_bp = ?, "
      "natura = ?, updated_at = ? WHERE id = ?",
      {storage::opt_value(v.gtin ? v.gtin : old.gtin),
       options_json(v.options.empty() ? old.options : v.options),
       storage::opt_value(v.weight_g ? v.weight_g : old.weight_g),
       storage::opt_value(v.cost_minor ? v.cost_minor : old.cost_minor), std::int64_t{rate},
       storage::opt_value(natura), now_ms, variant_id}));
  if (v.prices) FONDACO_TRY(replace_prices(tx, variant_id, *v.prices, path));
  return ok();
}

Result<void> Catalog::refresh_search(Tx& tx, std::int64_t product_id) {
  auto p = FONDACO_TRY(tx.query("SELECT title FROM products WHERE id = ?", {product_id}));
  std::string text = p.text(0, 0);
  auto vs = FONDACO_TRY(
      tx.query("SELECT sku, gtin FROM variants WHERE product_id = ? ORDER BY id", {product_id}));
  for (std::size_t i = 0; i < vs.size(); ++i) text += " " + vs.text(i, 0) + " " + vs.text(i, 1);
  FONDACO_TRY(tx.exec("UPDATE products SET search_text = ? WHERE id = ?",
                      {ascii_lower(text), product_id}));
  return ok();
}

Result<void> Catalog::emit(Tx& tx, std::string_view type, const Product& p, std::int64_t now_ms) {
  json::Writer w;
  w.begin_object().kv("id", p.id).kv("handle", p.handle).kv("title", p.title);
  w.kv("status", to_string(p.status)).key("skus").begin_array();
  for (const auto& v : p.variants) w.str(v.sku);
  w.end_array().end_object();
  FONDACO_TRY(log_.append(tx, type, "product", std::to_string(p.id), w.take(), now_ms));
  return ok();
}

Result<Product> Catalog::create(Tx& tx, const ProductInput& in, std::int64_t now_ms) {
  FONDACO_TRY(validate_product_fields(in.title, in.handle, in.description, in.brand, in.category,
                                      in.seo_title, in.seo_description));
  if (in.variants.empty())
    return fail(ErrorCode::invalid_argument, "a product needs at least one variant", "variants");
  if (in.variants.size() > limits::kMaxVariantsPerProduct)
    return fail(ErrorCode::invalid_argument, "too many variants", "variants");
  std::set<std::string> skus;
  for (std::size_t i = 0; i < in.variants.size(); ++i)
    if (!skus.insert(in.variants[i].sku).second)
      return fail(ErrorCode::invalid_argument, "duplicate SKU in request",
                  json::index_path("variants", i) + ".sku");
  std::string handle;
  if (in.handle) {
    auto taken = FONDACO_TRY(tx.query("SELECT 1 FROM products WHERE handle = ?", {*in.handle}));
    if (!taken.empty()) return fail(ErrorCode::conflict, "handle already in use", "handle");
    handle = *in.handle;
  } else {
    handle = FONDACO_TRY(unique_handle(tx, slugify(in.title), 0));
  }
  auto rows = FONDACO_TRY(tx.query(
      "INSERT INTO products (handle, title, description, brand, category, status, seo_title, "
      "seo_description, search_text, created_at, updated_at) "
      "VALUES (?, ?, ?, ?, ?, ?, ?, ?, '', ?, ?) RETURNING id",
      {handle, in.title, in.description, in.brand, in.category, std::string(to_string(in.status)),
       in.seo_title, in.seo_description, now_ms, now_ms}));
  const std::int64_t id = rows.i64(0, 0);
  for (std::size_t i = 0; i < in.variants.size(); ++i)
    FONDACO_TRY(insert_variant(tx, id, in.variants[i], json::index_path("variants", i), now_ms));
  FONDACO_TRY(refresh_search(tx, id));
  Product p = FONDACO_TRY(get(tx, id));
  FONDACO_TRY(emit(tx, "product.created", p, now_ms));
  return p;
}

Result<Product> Catalog::update(Tx& tx, std::int64_t id, const ProductPatch& patch,
                                std::int64_t now_ms) {
  FONDACO_TRY(validate_product_fields(patch.title, patch.handle, patch.description, patch.brand,
                                      patch.category, patch.seo_title, patch.seo_description));
  // Lock the row before reading it: the update below writes back unpatched fields, which
  // must be the latest ones (PostgreSQL writes run at READ COMMITTED).
  FONDACO_TRY(tx.exec("UPDATE products SET updated_at = updated_at WHERE id = ?", {id}));
  Product p = FONDACO_TRY(get(tx, id));
  if (patch.handle && *patch.handle != p.handle) {
    auto taken = FONDACO_TRY(tx.query("SELECT 1 FROM products WHERE handle = ?", {*patch.handle}));
    if (!taken.empty()) return fail(ErrorCode::conflict, "handle already in use", "handle");
  }
  if (p.variants.size() + patch.variants.size() > limits::kMaxVariantsPerProduct)
    return fail(ErrorCode::invalid_argument, "too many variants", "variants");
  FONDACO_TRY(tx.exec(
      "UPDATE products SET handle = ?, title = ?, description = ?, brand = ?, category = ?, "
      "status = ?, seo_title = ?, seo_description = ?, updated_at = ? WHERE id = ?",
      {patch.handle.value_or(p.handle), patch.title.value_or(p.title),
       patch.description.value_or(p.description), patch.brand.value_or(p.brand),
       patch.category.value_or(p.category), std::string(to_string(patch.status.value_or(p.status))),
       patch.seo_title.value_or(p.seo_title), patch.seo_description.value_or(p.seo_description),
       now_ms, id}));
  std::set<std::string> skus;
  for (std::size_t i = 0; i < patch.variants.size(); ++i) {
    const auto& v = patch.variants[i];
    const std::string path = json::index_path("variants", i);
    if (!skus.insert(v.sku).second)
      return fail(ErrorCode::invalid_argument, "duplicate SKU in request", path + ".sku");
    auto existing = FONDACO_TRY(tx.query("SELECT id, product_id FROM variants WHERE sku = ?", {v.sku}));
    if (existing.empty()) {
      FONDACO_TRY(insert_variant(tx, id, v, path, now_ms));
    } else if (existing.i64(0, 1) != id) {
      return fail(ErrorCode::conflict, "SKU belongs to another product", path + ".sku");
    } else {
      FONDACO_TRY(update_variant(tx, existing.i64(0, 0), v, path, now_ms));
    }
  }
  FONDACO_TRY(refresh_search(tx, id));
  Product updated = FONDACO_TRY(get(tx, id));
  FONDACO_TRY(emit(tx, "product.updated", updated, now_ms));
  return updated;
}

Result<Product> Catalog::archive(Tx& tx, std::int64_t id, std::int64_t now_ms) {
  FONDACO_TRY(tx.exec("UPDATE products SET updated_at = updated_at WHERE id = ?", {id}));
  Product p = FONDACO_TRY(get(tx, id));
  if (p.status == ProductStatus::archived) return p;  // idempotent
  FONDACO_TRY(tx.exec("UPDATE products SET status = 'archived', updated_at = ? WHERE id = ?",
                      {now_ms, id}));
  p.status = ProductStatus::archived;
  p.updated_at = now_ms;
  FONDACO_TRY(emit(tx, "product.archived", p, now_ms));
  return p;
}

Result<std::vector<Variant>> Catalog::load_variants(Tx& tx, std::span<const std::int64_t> ids) {
  std::vector<Variant> out;
  if (ids.empty()) return out;
  std::vector<Value> params(ids.begin(), ids.end());
  auto rows = FONDACO_TRY(tx.query("SELECT " + std::string(kVariantColumns) +
                                       " FROM variants WHERE product_id IN (" +
                                       placeholders(ids.size()) + ") ORDER BY product_id, id",
                                   params));
  std::map<std::int64_t, std::size_t> index;
  for (std::size_t i = 0; i < rows.size(); ++i) {
    out.push_back(variant_from(rows, i));
    index[out.back().id] = out.size() - 1;
  }
  auto prices = FONDACO_TRY(tx.query(
      "SELECT p.variant_id, l.code, l.currency, p.amount_minor, p.min_qty FROM prices p "
      "JOIN price_lists l ON l.id = p.price_list_id JOIN variants v ON v.id = p.variant_id "
      "WHERE v.product_id IN (" + placeholders(ids.size()) + ") "
      "ORDER BY p.variant_id, l.code, p.min_qty",
      params));
  for (std::size_t i = 0; i < prices.size(); ++i) {
    auto it = index.find(prices.i64(i, 0));
    if (it == index.end()) continue;
    out[it->second].prices.push_back(
        Price{prices.text(i, 1), prices.text(i, 2), prices.i64(i, 3), prices.i64(i, 4)});
  }
  return out;
}

Result<Product> Catalog::summary(Tx& tx, std::int64_t id) {
  static const std::string sql =
      "SELECT " + std::string(kProductColumns) + " FROM products WHERE id = ?";
  auto rows = FONDACO_TRY(tx.query(sql, {id}));
  if (rows.empty()) return fail(ErrorCode::not_found, "product not found", "id");
  return product_from(rows, 0);
}

Result<Product> Catalog::get(Tx& tx, std::int64_t id) {
  Product p = FONDACO_TRY(summary(tx, id));
  const std::int64_t ids[] = {id};
  p.variants = FONDACO_TRY(load_variants(tx, ids));
  return p;
}

Result<Page<Product>> Catalog::list(Tx& tx, const ProductFilter& f) {
  std::string sql = "SELECT " + std::string(kProductColumns) + " FROM products WHERE id > ?";
  std::vector<Value> params{f.after_id};
  if (f.status) {
    sql += " AND status = ?";
    params.emplace_back(std::string(to_string(*f.status)));
  }
  if (f.category) {
    sql += " AND category = ?";
    params.emplace_back(*f.category);
  }
  if (f.q && !f.q->empty()) {
    sql += " AND search_text LIKE ? ESCAPE '\\'";
    params.emplace_back("%" + storage::like_escape(ascii_lower(*f.q)) + "%");
  }
  sql += " ORDER BY id LIMIT ?";
  params.emplace_back(std::int64_t{f.limit + 1});
  auto rows = FONDACO_TRY(tx.query(sql, params));
  Page<Product> page;
  std::vector<std::int64_t> ids;
  for (std::size_t i = 0; i < rows.size() && static_cast<int>(i) < f.limit; ++i) {
    page.items.push_back(product_from(rows, i));
    ids.push_back(page.items.back().id);
  }
  if (static_cast<int>(rows.size()) > f.limit) page.next_after = page.items.back().id;
  auto variants = FONDACO_TRY(load_variants(tx, ids));
  std::map<std::int64_t, Product*> by_id;
  for (auto& p : page.items) by_id[p.id] = &p;
  for (auto& v : variants) by_id[v.product_id]->variants.push_back(std::move(v));
  return page;
}

Result<Variant> Catalog::variant(Tx& tx, std::string_view sku) {
  static const std::string sql =
      "SELECT " + std::string(kVariantColumns) + " FROM variants WHERE sku = ?";
  auto rows = FONDACO_TRY(tx.query(sql, {std::string(sku)}));
  if (rows.empty()) return fail(ErrorCode::not_found, "no variant with this SKU", "sku");
  Variant v = variant_from(rows, 0);
  auto prices = FONDACO_TRY(tx.query(
      "SELECT l.code, l.currency, p.amount_minor, p.min_qty FROM prices p "
      "JOIN price_lists l ON l.id = p.price_list_id WHERE p.variant_id = ? "
      "ORDER BY l.code, p.min_qty",
      {v.id}));
  for (std::size_t i = 0; i < prices.size(); ++i)
    v.prices.push_back(Price{prices.text(i, 0), prices.text(i, 1), prices.i64(i, 2), prices.i64(i, 3)});
  return v;
}

Result<bool> Catalog::sku_exists(Tx& tx, std::string_view sku) {
  auto rows = FONDACO_TRY(tx.query("SELECT 1 FROM variants WHERE sku = ?", {std::string(sku)}));
  return !rows.empty();
}

Result<PriceList> Catalog::create_price_list(Tx& tx, const PriceListInput& in,
                                             std::int64_t now_ms) {
  if (!is_valid_code(in.code, limits::kMaxCodeChars))
    return fail(ErrorCode::invalid_argument, "must be 1-64 letters, digits or . _ - /", "code");
  if (in.name.empty()) return fail(ErrorCode::invalid_argument, "must not be empty", "name");
  FONDACO_TRY(check_text(in.name, "name", limits::kMaxShortTextChars));
  if (!is_known_currency(in.currency))
    return fail(ErrorCode::invalid_argument, "is not a supported ISO 4217 currency", "currency");
  if (in.customer_group && !is_valid_code(*in.customer_group, limits::kMaxCodeChars))
    return fail(ErrorCode::invalid_argument, "must be 1-64 letters, digits or . _ - /",
                "customer_group");
  auto taken = FONDACO_TRY(tx.query("SELECT 1 FROM price_lists WHERE code = ?", {in.code}));
  if (!taken.empty()) return fail(ErrorCode::conflict, "price list code already exists", "code");
  auto rows = FONDACO_TRY(tx.query(
      "INSERT INTO price_lists (code, name, currency, customer_group, created_at) "
      "VALUES (?, ?, ?, ?, ?) RETURNING id",
      {in.code, in.name, in.currency, storage::opt_value(in.customer_group), now_ms}));
  PriceList out{rows.i64(0, 0), in.code, in.name, in.currency, in.customer_group};
  json::Writer w;
  w.begin_object().kv("id", out.id).kv("code", out.code).kv("currency", out.currency).end_object();
  FONDACO_TRY(log_.append(tx, "price_list.created", "price_list", out.code, w.take(), now_ms));
  return out;
}

Result<std::vector<PriceList>> Catalog::price_lists(Tx& tx) {
  auto rows = FONDACO_TRY(tx.query(
      "SELECT id, code, name, currency, customer_group FROM price_lists ORDER BY id"));
  std::vector<PriceList> out;
  for (std::size_t i = 0; i < rows.size(); ++i)
    out.push_back(PriceList{rows.i64(i, 0), rows.text(i, 1), rows.text(i, 2), rows.text(i, 3),
                            rows.opt_text(i, 4)});
  return out;
}

}  // namespace fondaco::catalog
