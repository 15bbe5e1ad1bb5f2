// WooCommerce's product CSV (the core exporter's format, UTF-8 with a byte-order mark),
// read and written. Simple products are one row; a variable product is its parent row plus
// one "variation" row per variant naming the parent in Parent (its SKU or "id:N"), with the
// option values in "Attribute N name" / "Attribute N value(s)". Variations may come
// anywhere after (or before) their parent, so variable products are held until the end of
// the file: memory grows with the variable products of a WooCommerce file (simple products
// stream). The selling price is the Sale price when set, else the Regular price (which then
// becomes the compare-at price). Published 1 / -1 / 0 (published, draft, private) map to
// active / draft / archived. Grouped and external products are not imported (noted).
// Thread-safety: a ProductCsvReader is used by one thread; the free functions are pure.
#pragma once

#include <cstdint>
#include <deque>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "fondaco/platform/csv.h"
#include "fondaco/platform/product_file.h"

namespace fondaco::woocommerce {

class ProductCsvReader final : public product_file::ProductSource {
 public:
  explicit ProductCsvReader(csv::Reader::Source source);
  Result<std::optional<product_file::ParsedProduct>> next() override;
  std::vector<product_file::RowError> take_skipped() override { return std::move(skipped_); }
  std::string column(std::string_view field) const override;
  bool carries(std::string_view field) const override {
    return field != "vendor" && field != "seo_title" && field != "seo_description";
  }
  std::int64_t bytes_read() const override { return reader_.bytes_read(); }
  std::int64_t rows_read() const override { return rows_; }

  struct Columns;

 private:
  Result<void> start();
  // Reads rows until a simple product is complete; variable ones are parked.
  Result<std::optional<product_file::ParsedProduct>> read_simple();
  std::optional<product_file::ParsedProduct> next_parked();
  product_file::ParsedProduct parse_product_row(const std::vector<std::string>& row);
  void parse_variant(const std::vector<std::string>& row, product_file::ParsedProduct& into,
                     bool variation);

  csv::Reader reader_;
  csv::Header header_;
  std::shared_ptr<const Columns> cols_;
  bool started_ = false;
  bool at_end_ = false;
  std::int64_t rows_ = 0;
  std::int64_t line_ = 0;
  std::vector<product_file::ParsedProduct> parked_;  // variable products, file order
  std::map<std::string, std::size_t> parent_index_;  // "sku" and "id:N" -> parked_
  std::map<std::string, std::vector<std::pair<std::int64_t, std::vector<std::string>>>>
      orphans_;  // variations read before their parent
  std::size_t next_parked_ = 0;
  std::vector<product_file::RowError> skipped_;
};

// The header line, with the UTF-8 byte-order mark WooCommerce writes.
std::string product_csv_header();
// One product: a simple row, or a variable row and its variation rows.
void append_product_csv(std::string& out, const product_file::ProductRecord& product);

}  // namespace fondaco::woocommerce
