// Product files in and out: a format reader (Shopify's or WooCommerce's product CSV, in
// src/connectors/) yields neutral product records (fondaco/platform/product_file.h); this
// maps each to the catalog and applies it, and reads the catalog back as records for the
// exports.
//
// Import: the file is streamed (the reader holds one product, the importer one batch of
// kImportProductsPerTransaction products), so memory stays flat whatever the file's size.
// Each product is validated in full by the reader, then applied in its own savepoint inside
// a batch transaction: a product is created, or updated when one of its SKUs exists (only
// what differs changes; a product whose every field and price is already as in the file
// counts as unchanged, so a re-import is idempotent); a bad row never leaves half a
// product. The selling price goes to `price_list` (default "default", min_qty 1; other price
// lists and quantity tiers of an existing variant are kept); the compare-at price (Shopify)
// or regular price (WooCommerce, when on sale) goes to `compare_at_price_list` when the
// caller names one, and is otherwise not stored. A barcode that is not a valid GTIN is not
// stored (a note says so). Stock quantities in the file (Variant Inventory Qty, Stock) are
// not applied: stock changes go through inventory receipts and counts, which keep the
// ledger; the report notes how many rows carried one.
// Thread-safety: stateless functions; the Catalog may be shared.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "fondaco/base/result.h"
#include "fondaco/catalog/catalog.h"
#include "fondaco/orders/orders.h"
#include "fondaco/platform/product_file.h"
#include "fondaco/storage/database.h"

namespace fondaco::workflows {

struct ImportOptions {
  std::string price_list = "default";
  std::optional<std::string> compare_at_price_list;
  std::int64_t now_ms = 0;
  // Called after each batch commits (progress bars); may be empty.
  std::function<void(std::int64_t bytes_read, std::int64_t rows_read)> progress;
};

struct ImportReport {
  std::int64_t rows_read = 0;
  std::int64_t products_created = 0, products_updated = 0, products_unchanged = 0,
               products_refused = 0;
  std::int64_t variants_created = 0, variants_updated = 0, variants_unchanged = 0;
  // Why each refused product was refused (first kImportMaxReportedErrors; errors_total
  // counts them all).
  std::vector<product_file::RowError> errors;
  std::int64_t errors_total = 0;
  // Things imported differently from the file (skipped rows, barcodes not stored...).
  std::vector<product_file::RowError> notes;
  // The file could not be read past this point (broken CSV); what came before is applied.
  std::optional<Error> fatal;
};

Result<ImportReport> import_products(storage::Database& db, catalog::Catalog& catalog,
                                     product_file::ProductSource& source,
                                     const ImportOptions& options);

// {"rows_read":..,"products":{"created":..},"variants":{..},"errors":[{"line","column",
// "reason"}],"notes":[..],"fatal":{..}|null}
std::string report_json(const ImportReport& report);

// Every product (archived ones too), in id order, one page at a time, as records with the
// prices of `price_list` / `compare_at_price_list`: exports stream from this.
Result<void> for_each_product_record(
    storage::Database& db, catalog::Catalog& catalog, const ImportOptions& options,
    const std::function<Result<void>(const product_file::ProductRecord&)>& fn);

// Orders as CSV, one row per order line (number, channel, external reference, statuses,
// created/updated in RFC 3339 UTC, customer, line, SKU, quantity, unit price, discount, VAT
// rate, line amount, shipping, order total, currency; amounts as "12.50"). Reads the orders
// that match `filter` one page at a time (filter.after_id/limit are managed here) and hands
// `sink` the CSV in pieces, header first; memory does not grow with the number of orders.
Result<void> export_orders_csv(storage::Database& db, orders::Orders& orders,
                               orders::OrderFilter filter,
                               const std::function<void(std::string_view)>& sink);

}  // namespace fondaco::workflows
