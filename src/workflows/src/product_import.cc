#include "fondaco/workflows/product_import.h"

#include <algorithm>
#include <map>
#include <tuple>
#include <utility>

#include "fondaco/base/limits.h"
#include "fondaco/base/text.h"
#include "fondaco/platform/csv.h"
#include "fondaco/platform/json.h"

namespace fondaco::workflows {

using product_file::ProductRecord;
using product_file::RowError;
using product_file::VariantRecord;

namespace {

// What one product did, kept apart until its batch commits (a rerun batch starts afresh).
struct Outcome {
  enum Kind { created, updated, unchanged, refused } kind = refused;
  std::int64_t variants_created = 0, variants_updated = 0, variants_unchanged = 0;
  std::vector<RowError> errors;
  std::vector<RowError> notes;
};

// The neutral name of a catalog field ("variants[2].gtin" -> "barcode").
std::string neutral_field(std::string_view f) {
  if (f == "brand") return "vendor";
  if (f.starts_with("gtin")) return "barcode";
  if (f.starts_with("weight")) return "weight";
  if (f.starts_with("cost")) return "cost";
  if (f.starts_with("prices")) return "price";
  if (f.starts_with("options")) return "options";
  return std::string(f.substr(0, f.find('.')));
}

// A catalog error as a row error: variants[i] points at the variant's own row.
RowError to_row_error(const Error& e, const ProductRecord& p,
                      const std::vector<std::size_t>& variant_index,
                      const product_file::ProductSource& source) {
  RowError out{p.line, source.column(neutral_field(e.field)), e.message};
  std::string_view f = e.field;
  if (f.starts_with("variants[")) {
    auto close = f.find(']');
    std::size_t i = std::stoul(std::string(f.substr(9, close - 9)));
    if (i < variant_index.size() && variant_index[i] < p.variants.size())
      out.line = p.variants[variant_index[i]].line;
    f = close + 2 <= f.size() ? f.substr(close + 2) : std::string_view{};
    out.column = f.empty() ? source.column("sku") : source.column(neutral_field(f));
  }
  return out;
}

std::vector<catalog::PriceInput> wanted_prices(const VariantRecord& v,
                                               const std::vector<catalog::Price>& existing,
                                               const ImportOptions& o) {
  std::vector<catalog::PriceInput> out;
  auto ours = [&](const catalog::Price& p) {
    return p.min_qty == 1 &&
           (p.price_list == o.price_list ||
            (o.compare_at_price_list && p.price_list == *o.compare_at_price_list));
  };
  for (const auto& p : existing)
    if (!ours(p)) out.push_back({p.price_list, p.amount_minor, p.min_qty});
  if (v.price_minor) out.push_back({o.price_list, *v.price_minor, 1});
  if (o.compare_at_price_list && v.compare_at_minor)
    out.push_back({*o.compare_at_price_list, *v.compare_at_minor, 1});
  std::sort(out.begin(), out.end(), [](const auto& a, const auto& b) {
    return std::tie(a.price_list, a.min_qty) < std::tie(b.price_list, b.min_qty);
  });
  return out;
}

catalog::VariantInput to_input(const VariantRecord& v, const std::vector<catalog::Price>& existing,
                               const ImportOptions& o, std::vector<RowError>& notes,
                               const product_file::ProductSource& source) {
  catalog::VariantInput in;
  in.sku = v.sku;
  if (!v.barcode.empty()) {
    if (is_valid_gtin(v.barcode))
      in.gtin = v.barcode;
    else
      notes.push_back({v.line, source.column("barcode"), "not a valid GTIN; not stored"});
  }
  in.options = v.options;
  in.weight_g = v.weight_g;
  in.cost_minor = v.cost_minor;
  in.prices = wanted_prices(v, existing, o);
  return in;
}

bool same_prices(const std::vector<catalog::PriceInput>& want,
                 const std::vector<catalog::Price>& have) {
  if (want.size() != have.size()) return false;
  std::vector<catalog::PriceInput> sorted_have;
  for (const auto& p : have) sorted_have.push_back({p.price_list, p.amount_minor, p.min_qty});
  std::sort(sorted_have.begin(), sorted_have.end(), [](const auto& a, const auto& b) {
    return std::tie(a.price_list, a.min_qty) < std::tie(b.price_list, b.min_qty);
  });
  for (std::size_t i = 0; i < want.size(); ++i)
    if (want[i].price_list != sorted_have[i].price_list ||
        want[i].amount_minor != sorted_have[i].amount_minor ||
        want[i].min_qty != sorted_have[i].min_qty)
      return false;
  return true;
}

bool same_variant(const catalog::VariantInput& in, const catalog::Variant& v) {
  return (!in.gtin || in.gtin == v.gtin) && in.options == v.options &&
         (!in.weight_g || in.weight_g == v.weight_g) &&
         (!in.cost_minor || in.cost_minor == v.cost_minor) && same_prices(*in.prices, v.prices);
}

// Which existing product the record's SKUs belong to (none: a new product).
Result<std::optional<std::int64_t>> find_existing(storage::Tx& tx, catalog::Catalog& catalog,
                                                  const ProductRecord& p) {
  std::optional<std::int64_t> id;
  for (std::size_t i = 0; i < p.variants.size(); ++i) {
    auto v = catalog.variant(tx, p.variants[i].sku);
    if (!v) {
      if (v.error().code == ErrorCode::not_found) continue;
      return fail(v.error());
    }
    if (id && *id != v->product_id)
      return fail(ErrorCode::conflict, "the SKUs of this product belong to different products",
                  json::index_path("variants", i) + ".sku");
    id = v->product_id;
  }
  return id;
}

Result<Outcome> create_product(storage::Tx& tx, catalog::Catalog& catalog, const ProductRecord& p,
                               catalog::ProductStatus status, const ImportOptions& o, Outcome out,
                               const product_file::ProductSource& source) {
  catalog::ProductInput in;
  in.title = p.title;
  if (!p.handle.empty()) in.handle = p.handle;
  in.description = p.description;
  in.brand = p.vendor;
  in.category = p.category;
  in.status = status;
  in.seo_title = p.seo_title;
  in.seo_description = p.seo_description;
  for (const auto& v : p.variants) in.variants.push_back(to_input(v, {}, o, out.notes, source));
  FONDACO_TRY(catalog.create(tx, in, o.now_ms));
  out.kind = Outcome::created;
  out.variants_created = static_cast<std::int64_t>(p.variants.size());
  return out;
}

Result<Outcome> update_product(storage::Tx& tx, catalog::Catalog& catalog, std::int64_t id,
                               const ProductRecord& p, catalog::ProductStatus status,
                               const ImportOptions& o, Outcome out,
                               std::vector<std::size_t>& variant_index,
                               const product_file::ProductSource& source) {
  catalog::Product have = FONDACO_TRY(catalog.get(tx, id));
  // A file with handles (Shopify) names its products by handle: a SKU of another handle's
  // product is a conflict, not a rename of that product.
  if (!p.handle.empty() && p.handle != have.handle) {
    for (std::size_t i = 0; i < p.variants.size(); ++i) {
      for (const auto& v : have.variants) {
        if (v.sku != p.variants[i].sku) continue;
        variant_index.push_back(i);
        return fail(ErrorCode::conflict, "SKU belongs to product " + have.handle,
                    json::index_path("variants", variant_index.size() - 1) + ".sku");
      }
    }
  }
  catalog::ProductPatch patch;
  bool changed = false;
  auto field = [&](std::optional<std::string>& dst, const std::string& want,
                   const std::string& current) {
    if (want != current) {
      dst = want;
      changed = true;
    }
  };
  field(patch.title, p.title, have.title);
  field(patch.description, p.description, have.description);
  if (source.carries("vendor")) field(patch.brand, p.vendor, have.brand);
  field(patch.category, p.category, have.category);
  if (source.carries("seo_title")) field(patch.seo_title, p.seo_title, have.seo_title);
  if (source.carries("seo_description"))
    field(patch.seo_description, p.seo_description, have.seo_description);
  if (status != have.status) {
    patch.status = status;
    changed = true;
  }
  std::map<std::string, const catalog::Variant*> by_sku;
  for (const auto& v : have.variants) by_sku[v.sku] = &v;
  for (std::size_t i = 0; i < p.variants.size(); ++i) {
    auto it = by_sku.find(p.variants[i].sku);
    static const std::vector<catalog::Price> none;
    auto in = to_input(p.variants[i], it == by_sku.end() ? none : it->second->prices, o, out.notes,
                       source);
    if (it != by_sku.end() && same_variant(in, *it->second)) {
      ++out.variants_unchanged;
      continue;
    }
    ++(it == by_sku.end() ? out.variants_created : out.variants_updated);
    patch.variants.push_back(std::move(in));
    variant_index.push_back(i);
  }
  if (!changed && patch.variants.empty()) {
    out.kind = Outcome::unchanged;
    return out;
  }
  FONDACO_TRY(catalog.update(tx, id, patch, o.now_ms));
  out.kind = Outcome::updated;
  return out;
}

// One product, all or nothing; the caller wraps it in a savepoint.
Result<Outcome> apply_product(storage::Tx& tx, catalog::Catalog& catalog, const ProductRecord& p,
                              const ImportOptions& o, const product_file::ProductSource& source,
                              std::vector<std::size_t>& variant_index) {
  Outcome out;
  auto status = catalog::parse_status(p.status.empty() ? "draft" : p.status);
  if (!status) return fail(ErrorCode::invalid_argument, "is not a product status", "status");
  auto id = FONDACO_TRY(find_existing(tx, catalog, p));
  if (!id) {
    for (std::size_t i = 0; i < p.variants.size(); ++i) variant_index.push_back(i);
    return create_product(tx, catalog, p, *status, o, std::move(out), source);
  }
  return update_product(tx, catalog, *id, p, *status, o, std::move(out), variant_index, source);
}

// Applies one batch in one transaction, each product in its own savepoint.
Result<std::vector<Outcome>> apply_batch(storage::Database& db, catalog::Catalog& catalog,
                                         const std::vector<ProductRecord>& batch,
                                         const ImportOptions& o,
                                         const product_file::ProductSource& source) {
  return db.write([&](storage::Tx& tx) -> Result<std::vector<Outcome>> {
    std::vector<Outcome> outcomes;
    outcomes.reserve(batch.size());
    for (const auto& p : batch) {
      FONDACO_TRY(tx.savepoint());
      std::vector<std::size_t> variant_index;
      auto r = apply_product(tx, catalog, p, o, source, variant_index);
      if (r) {
        FONDACO_TRY(tx.release_savepoint());
        outcomes.push_back(std::move(*r));
        continue;
      }
      if (tx.must_rerun()) return fail(r.error());
      FONDACO_TRY(tx.rollback_to_savepoint());
      Outcome refused;
      refused.errors.push_back(to_row_error(r.error(), p, variant_index, source));
      outcomes.push_back(std::move(refused));
    }
    return outcomes;
  });
}

void add_errors(ImportReport& report, std::vector<RowError>& errors) {
  for (auto& e : errors) {
    ++report.errors_total;
    if (report.errors.size() < limits::kImportMaxReportedErrors)
      report.errors.push_back(std::move(e));
  }
}

void add_notes(ImportReport& report, std::vector<RowError>& notes) {
  for (auto& n : notes)
    if (report.notes.size() < limits::kImportMaxReportedErrors)
      report.notes.push_back(std::move(n));
}

void merge(ImportReport& report, std::vector<Outcome>& outcomes) {
  for (auto& o : outcomes) {
    switch (o.kind) {
      case Outcome::created:
        ++report.products_created;
        break;
      case Outcome::updated:
        ++report.products_updated;
        break;
      case Outcome::unchanged:
        ++report.products_unchanged;
        break;
      case Outcome::refused:
        ++report.products_refused;
        break;
    }
    if (o.kind != Outcome::refused) {
      report.variants_created += o.variants_created;
      report.variants_updated += o.variants_updated;
      report.variants_unchanged += o.variants_unchanged;
      add_notes(report, o.notes);
    }
    add_errors(report, o.errors);
  }
}

}  // namespace

Result<ImportReport> import_products(storage::Database& db, catalog::Catalog& catalog,
                                     product_file::ProductSource& source,
                                     const ImportOptions& options) {
  ImportReport report;
  std::vector<ProductRecord> batch;
  std::int64_t rows_with_qty = 0;
  auto flush = [&]() -> Result<void> {
    if (batch.empty()) return ok();
    auto outcomes = FONDACO_TRY(apply_batch(db, catalog, batch, options, source));
    merge(report, outcomes);
    batch.clear();
    if (options.progress) options.progress(source.bytes_read(), source.rows_read());
    return ok();
  };
  for (;;) {
    auto next = source.next();
    if (!next) {
      report.fatal = next.error();
      break;
    }
    if (!*next) break;
    auto& parsed = **next;
    for (const auto& v : parsed.product.variants) rows_with_qty += v.inventory_qty ? 1 : 0;
    if (!parsed.errors.empty()) {
      ++report.products_refused;
      add_errors(report, parsed.errors);
      continue;
    }
    batch.push_back(std::move(parsed.product));
    if (batch.size() >= limits::kImportProductsPerTransaction) FONDACO_TRY(flush());
  }
  FONDACO_TRY(flush());
  auto skipped = source.take_skipped();
  add_notes(report, skipped);
  if (rows_with_qty > 0)
    report.notes.push_back({0, source.column("inventory_qty"),
                            std::to_string(rows_with_qty) +
                                " rows carry a stock quantity, not applied: stock changes go "
                                "through inventory receipts and counts"});
  report.rows_read = source.rows_read();
  return report;
}

std::string report_json(const ImportReport& r) {
  json::Writer w;
  auto rows = [&](std::string_view key, const std::vector<RowError>& list) {
    w.key(key).begin_array();
    for (const auto& e : list)
      w.begin_object()
          .kv("line", e.line)
          .kv("column", e.column)
          .kv("reason", e.reason)
          .end_object();
    w.end_array();
  };
  w.begin_object().kv("rows_read", r.rows_read);
  w.key("products")
      .begin_object()
      .kv("created", r.products_created)
      .kv("updated", r.products_updated)
      .kv("unchanged", r.products_unchanged)
      .kv("refused", r.products_refused)
      .end_object();
  w.key("variants")
      .begin_object()
      .kv("created", r.variants_created)
      .kv("updated", r.variants_updated)
      .kv("unchanged", r.variants_unchanged)
      .end_object();
  w.kv("errors_total", r.errors_total);
  rows("errors", r.errors);
  rows("notes", r.notes);
  w.key("fatal");
  if (r.fatal)
    w.begin_object().kv("field", r.fatal->field).kv("reason", r.fatal->message).end_object();
  else
    w.null();
  w.end_object();
  return w.take();
}

Result<void> for_each_product_record(storage::Database& db, catalog::Catalog& catalog,
                                     const ImportOptions& o,
                                     const std::function<Result<void>(const ProductRecord&)>& fn) {
  std::int64_t after = 0;
  for (;;) {
    catalog::ProductFilter filter;
    filter.after_id = after;
    filter.limit = limits::kMaxPageSize;
    auto page = FONDACO_TRY(db.read([&](storage::Tx& tx) { return catalog.list(tx, filter); }));
    for (const auto& p : page.items) {
      ProductRecord rec;
      rec.handle = p.handle;
      rec.title = p.title;
      rec.description = p.description;
      rec.vendor = p.brand;
      rec.category = p.category;
      rec.status = std::string(catalog::to_string(p.status));
      rec.seo_title = p.seo_title;
      rec.seo_description = p.seo_description;
      for (const auto& v : p.variants) {
        VariantRecord vr;
        vr.sku = v.sku;
        vr.barcode = v.gtin.value_or("");
        vr.options = v.options;
        vr.weight_g = v.weight_g;
        vr.cost_minor = v.cost_minor;
        for (const auto& price : v.prices) {
          if (price.min_qty != 1) continue;
          if (price.price_list == o.price_list) vr.price_minor = price.amount_minor;
          if (o.compare_at_price_list && price.price_list == *o.compare_at_price_list)
            vr.compare_at_minor = price.amount_minor;
        }
        rec.variants.push_back(std::move(vr));
      }
      FONDACO_TRY(fn(rec));
      after = p.id;
    }
    if (page.items.empty() || !page.next_after) break;
  }
  return ok();
}

namespace {

void append_order_rows(std::string& out, const orders::Order& o) {
  using product_file::format_money;
  for (const auto& l : o.lines) {
    std::string vat = std::to_string(l.vat_rate_bp / 100) + "." +
                      (l.vat_rate_bp % 100 < 10 ? "0" : "") + std::to_string(l.vat_rate_bp % 100);
    csv::append_record(out, {o.number,
                             o.channel,
                             o.external_ref.value_or(""),
                             orders::to_string(o.status),
                             orders::to_string(o.payment_status),
                             orders::to_string(o.fulfillment_status),
                             format_rfc3339_ms(o.created_at),
                             format_rfc3339_ms(o.updated_at),
                             o.customer.email,
                             o.customer.name,
                             std::to_string(l.line_no),
                             l.sku,
                             std::to_string(l.qty),
                             format_money(l.unit_price_minor),
                             format_money(l.discount_minor),
                             vat,
                             format_money(l.amount_minor),
                             format_money(o.totals.shipping_minor),
                             format_money(o.totals.total_minor),
                             o.currency});
  }
}

}  // namespace

Result<void> export_orders_csv(storage::Database& db, orders::Orders& orders,
                               orders::OrderFilter filter,
                               const std::function<void(std::string_view)>& sink) {
  std::string out;
  csv::append_record(out, {"number",        "channel",        "external_ref",
                           "status",        "payment_status", "fulfillment_status",
                           "created_at",    "updated_at",     "customer_email",
                           "customer_name", "line_no",        "sku",
                           "qty",           "unit_price",     "discount",
                           "vat_rate",      "line_amount",    "shipping",
                           "order_total",   "currency"});
  filter.after_id = 0;
  filter.limit = limits::kMaxPageSize;
  for (;;) {
    auto page = FONDACO_TRY(db.read([&](storage::Tx& tx) { return orders.list(tx, filter); }));
    for (const auto& o : page.items) append_order_rows(out, o);
    sink(out);
    out.clear();
    if (!page.next_after || page.items.empty()) break;
    filter.after_id = *page.next_after;
  }
  return ok();
}

}  // namespace fondaco::workflows
