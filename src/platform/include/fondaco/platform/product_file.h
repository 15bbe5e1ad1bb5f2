// The neutral product record that product files (Shopify's and WooCommerce's product CSVs)
// are read into and written from. The connectors translate their format to and from it;
// src/workflows/ maps it to the catalog. It lives here, below both, because workflows may
// not include a connector and connectors may not include workflows. Also the decimal money
// parser every format shares: prices are exact (no double), "12.5" -> 1250 minor units.
// Thread-safety: plain values and pure functions; a ProductSource is used by one thread.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "fondaco/base/result.h"

namespace fondaco::product_file {

struct VariantRecord {
  std::int64_t line = 0;  // physical line of the row in the file (0 when not from a file)
  std::string sku;
  std::string barcode;
  std::vector<std::pair<std::string, std::string>> options;  // name -> value, file order
  std::optional<std::int64_t> price_minor;                   // the selling price
  std::optional<std::int64_t> compare_at_minor;              // Shopify compare-at / Woo regular
  std::optional<std::int64_t> cost_minor;
  std::optional<std::int64_t> weight_g;
  std::optional<std::int64_t> inventory_qty;
};

struct ProductRecord {
  std::int64_t line = 0;  // line of the product's first row
  std::string handle;     // empty when the format has none (WooCommerce)
  std::string title;
  std::string description;
  std::string vendor;
  std::string category;
  std::string tags;
  std::string status;  // "active", "draft" or "archived"
  std::string seo_title;
  std::string seo_description;
  std::vector<std::string> images;
  std::vector<VariantRecord> variants;
};

// One refused cell or row: where (physical line, column header) and why.
struct RowError {
  std::int64_t line = 0;
  std::string column;
  std::string reason;
};

// A product as read from a file: when `errors` is not empty the product must be refused
// as a whole (a bad row never leaves half a product).
struct ParsedProduct {
  ProductRecord product;
  std::vector<RowError> errors;
};

// A format reader yields products one at a time. A hard error (the CSV itself is broken,
// or a required column is missing) ends the file; per-product problems are in errors.
class ProductSource {
 public:
  virtual ~ProductSource() = default;
  virtual Result<std::optional<ParsedProduct>> next() = 0;
  // Rows the source declined to import, with the reason; drained by the caller.
  virtual std::vector<RowError> take_skipped() { return {}; }
  // The file's header for a neutral field name ("sku", "barcode", "price", "compare_at",
  // "cost", "weight", "options", "title", "handle", "description", "vendor", "category",
  // "status", "seo_title", "seo_description"), so that an error found later (by the catalog)
  // names the column the user sees.
  virtual std::string column(std::string_view field) const { return std::string(field); }
  // False for a product field ("vendor", "seo_title", "seo_description") the format has no
  // column for: an update then keeps what the catalog has instead of clearing it.
  virtual bool carries(std::string_view field) const {
    (void)field;
    return true;
  }
  virtual std::int64_t bytes_read() const = 0;
  virtual std::int64_t rows_read() const = 0;
};

// A decimal amount with at most two fraction digits ("12", "12.5", "12.50", "-1.00" is
// refused) into minor units; the reason on error is for a RowError.
Result<std::int64_t> parse_money(std::string_view text);
// A non-negative decimal number of grams ("145", "226.796185") rounded half up to grams.
Result<std::int64_t> parse_grams(std::string_view text);
// An integer (optionally signed) count such as a stock quantity.
Result<std::int64_t> parse_count(std::string_view text);
// Minor units as "12.50" (the files' decimal format; never "12.5").
std::string format_money(std::int64_t minor);
// Lower-case, dash-separated slug of letters and digits ("V-Neck T-Shirt" -> "v-neck-t-shirt").
std::string slug(std::string_view text);

}  // namespace fondaco::product_file
