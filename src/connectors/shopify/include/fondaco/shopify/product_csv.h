// Shopify's product CSV, read and written. One row per variant: the product's own fields
// on its first row, following rows share the Handle; rows with only an image add an image.
// Columns are found by header name, so both the older headers ("Variant Price",
// "Variant SKU", "Variant Grams", "Image Src") and the 2024+ ones ("Price", "SKU",
// "Weight value (grams)", "Product image URL") are read; the writer emits the 2024+ ones.
// A variant without a SKU (Shopify allows it) gets one derived from the handle and its
// option values ("classic-varsity-top-small"), because Fondaco keys variants by SKU.
// Thread-safety: a ProductCsvReader is used by one thread; the free functions are pure.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "fondaco/platform/csv.h"
#include "fondaco/platform/product_file.h"

namespace fondaco::shopify {

class ProductCsvReader final : public product_file::ProductSource {
 public:
  explicit ProductCsvReader(csv::Reader::Source source);
  Result<std::optional<product_file::ParsedProduct>> next() override;
  std::int64_t bytes_read() const override { return reader_.bytes_read(); }
  std::int64_t rows_read() const override { return rows_; }
  std::string column(std::string_view field) const override;

  struct Columns;  // header positions, resolved once

 private:
  Result<void> start();
  Result<bool> read_row();
  void parse_first_row(product_file::ParsedProduct& out);
  void parse_row(product_file::ParsedProduct& out, std::vector<std::string>& option_names);

  csv::Reader reader_;
  csv::Header header_;
  std::shared_ptr<const Columns> cols_;
  std::vector<std::string> row_;  // the row read ahead (the next product's first row)
  std::int64_t row_line_ = 0;
  std::optional<Error> pending_error_;
  bool have_row_ = false;
  bool started_ = false;
  std::int64_t rows_ = 0;
};

// The 2024+ header line ("Handle,Title,...") with CRLF.
std::string product_csv_header();
// One product's rows (one per variant; extra images on image-only rows).
void append_product_csv(std::string& out, const product_file::ProductRecord& product);

}  // namespace fondaco::shopify
