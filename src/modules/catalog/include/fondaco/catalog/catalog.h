// Catalog: the product master. Products (title, description, brand, category, status,
// SEO fields) own variants (unique SKU, optional GTIN with a valid GS1 check digit, option
// values, weight, cost, VAT rate in basis points with a Natura code when the rate is 0) and
// their prices per price list (integer minor units; quantity tiers by min_qty; one currency
// per price list). A product is never deleted: DELETE archives it, because orders, ledgers
// and invoices keep referring to its SKUs.
//
// Every operation takes the caller's transaction, so a composition (e.g. "check the SKU
// exists, then move stock") is atomic; each change appends its event to the event log.
// Validation errors name the field by its JSON path ("variants[1].gtin").
// Thread-safety: Catalog holds no mutable state; use it from any thread.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include "fondaco/base/page.h"
#include "fondaco/base/result.h"
#include "fondaco/events/event_log.h"
#include "fondaco/storage/database.h"
#include "fondaco/storage/migrations.h"

namespace fondaco::catalog {

std::span<const storage::Migration> migrations();

enum class ProductStatus { draft, active, archived };
std::string_view to_string(ProductStatus s);
std::optional<ProductStatus> parse_status(std::string_view s);

// Italian VAT exemption nature codes accepted by FatturaPA 1.2.2 (N2, N3, N6 are retired).
bool is_valid_natura(std::string_view code);

struct PriceInput {
  std::string price_list = "default";
  std::int64_t amount_minor = 0;
  std::int64_t min_qty = 1;
};

struct VariantInput {
  std::string sku;
  std::optional<std::string> gtin;
  std::vector<std::pair<std::string, std::string>> options;  // e.g. {"size","M"}
  std::optional<std::int64_t> weight_g;
  std::optional<std::int64_t> cost_minor;
  std::optional<int> vat_rate_bp;       // default 2200 on create
  std::optional<std::string> natura;    // required when the rate is 0
  std::optional<std::vector<PriceInput>> prices;  // replaces all prices when given
};

struct ProductInput {
  std::string title;
  std::optional<std::string> handle;  // URL slug; derived from the title when absent
  std::string description;
  std::string brand;
  std::string category;
  ProductStatus status = ProductStatus::draft;
  std::string seo_title;
  std::string seo_description;
  std::vector<VariantInput> variants;
};

// Only the fields present change. Variants are upserted by SKU.
struct ProductPatch {
  std::optional<std::string> title, handle, description, brand, category, seo_title,
      seo_description;
  std::optional<ProductStatus> status;
  std::vector<VariantInput> variants;
};

struct Price {
  std::string price_list;
  std::string currency;
  std::int64_t amount_minor = 0;
  std::int64_t min_qty = 1;
};

struct Variant {
  std::int64_t id = 0;
  std::int64_t product_id = 0;
  std::string sku;
  std::optional<std::string> gtin;
  std::vector<std::pair<std::string, std::string>> options;
  std::optional<std::int64_t> weight_g;
  std::optional<std::int64_t> cost_minor;
  int vat_rate_bp = 2200;
  std::optional<std::string> natura;
  std::vector<Price> prices;
  std::int64_t created_at = 0;
  std::int64_t updated_at = 0;
};

struct Product {
  std::int64_t id = 0;
  std::string handle;
  std::string title;
  std::string description;
  std::string brand;
  std::string category;
  ProductStatus status = ProductStatus::draft;
  std::string seo_title;
  std::string seo_description;
  std::vector<Variant> variants;
  std::int64_t created_at = 0;
  std::int64_t updated_at = 0;
};

struct ProductFilter {
  std::optional<ProductStatus> status;
  std::optional<std::string> category;
  std::optional<std::string> q;  // matches title, SKU or GTIN (case-insensitive substring)
  std::int64_t after_id = 0;     // keyset cursor
  int limit = 50;
};

using fondaco::Page;

struct PriceListInput {
  std::string code;
  std::string name;
  std::string currency = "EUR";
  std::optional<std::string> customer_group;
};

struct PriceList {
  std::int64_t id = 0;
  std::string code;
  std::string name;
  std::string currency;
  std::optional<std::string> customer_group;
};

class Catalog {
 public:
  explicit Catalog(events::EventLog& log) : log_(log) {}

  Result<Product> create(storage::Tx& tx, const ProductInput& in, std::int64_t now_ms);
  Result<Product> get(storage::Tx& tx, std::int64_t id);
  // The product's own fields, without loading its variants (cheap; for hot read paths).
  Result<Product> summary(storage::Tx& tx, std::int64_t id);
  Result<Product> update(storage::Tx& tx, std::int64_t id, const ProductPatch& patch,
                         std::int64_t now_ms);
  Result<Product> archive(storage::Tx& tx, std::int64_t id, std::int64_t now_ms);
  Result<Page<Product>> list(storage::Tx& tx, const ProductFilter& filter);

  Result<Variant> variant(storage::Tx& tx, std::string_view sku);
  Result<bool> sku_exists(storage::Tx& tx, std::string_view sku);

  Result<PriceList> create_price_list(storage::Tx& tx, const PriceListInput& in,
                                      std::int64_t now_ms);
  Result<std::vector<PriceList>> price_lists(storage::Tx& tx);

 private:
  Result<void> validate_variant(storage::Tx& tx, const VariantInput& v, const std::string& path,
                                bool creating);
  Result<void> insert_variant(storage::Tx& tx, std::int64_t product_id, const VariantInput& v,
                              const std::string& path, std::int64_t now_ms);
  Result<void> update_variant(storage::Tx& tx, std::int64_t variant_id, const VariantInput& v,
                              const std::string& path, std::int64_t now_ms);
  Result<void> replace_prices(storage::Tx& tx, std::int64_t variant_id,
                              const std::vector<PriceInput>& prices, const std::string& path);
  Result<void> refresh_search(storage::Tx& tx, std::int64_t product_id);
  Result<std::vector<Variant>> load_variants(storage::Tx& tx, std::span<const std::int64_t> ids);
  Result<void> emit(storage::Tx& tx, std::string_view type, const Product& p, std::int64_t now_ms);

  events::EventLog& log_;
};

}  // namespace fondaco::catalog
