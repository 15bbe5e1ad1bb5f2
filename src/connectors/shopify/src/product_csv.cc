#include "fondaco/shopify/product_csv.h"

#include <algorithm>
#include <array>
#include <utility>

#include "fondaco/base/limits.h"
#include "fondaco/base/text.h"

namespace fondaco::shopify {

using product_file::ParsedProduct;
using product_file::RowError;
using product_file::VariantRecord;

namespace {

using Col = std::optional<std::size_t>;

// The 2024+ names, in the order the writer emits them; the reader also knows the older ones.
constexpr std::array<std::string_view, 27> kHeader = {"Handle",
                                                      "Title",
                                                      "Body (HTML)",
                                                      "Vendor",
                                                      "Product Category",
                                                      "Type",
                                                      "Tags",
                                                      "Published on online store",
                                                      "Status",
                                                      "SKU",
                                                      "Barcode",
                                                      "Option1 name",
                                                      "Option1 value",
                                                      "Option2 name",
                                                      "Option2 value",
                                                      "Option3 name",
                                                      "Option3 value",
                                                      "Price",
                                                      "Compare-at price",
                                                      "Cost per item",
                                                      "Inventory quantity",
                                                      "Weight value (grams)",
                                                      "Weight unit for display",
                                                      "Product image URL",
                                                      "Image position",
                                                      "SEO title",
                                                      "SEO description"};

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

}  // namespace

struct ProductCsvReader::Columns {
  Col handle, title, body, vendor, type, category, tags, published, status, sku, barcode, price,
      compare_at, cost, qty, grams, image, seo_title, seo_description;
  std::array<Col, 3> option_name, option_value;
};

ProductCsvReader::ProductCsvReader(csv::Reader::Source source)
    : reader_(std::move(source), csv::Options{}) {}

Result<bool> ProductCsvReader::read_row() {
  have_row_ = FONDACO_TRY(reader_.next(row_));
  if (have_row_) {
    row_line_ = reader_.line();
    ++rows_;
  }
  return have_row_;
}

Result<void> ProductCsvReader::start() {
  started_ = true;
  std::vector<std::string> names;
  if (!FONDACO_TRY(reader_.next(names)))
    return fail(ErrorCode::invalid_argument, "the file is empty", "line 1");
  header_ = csv::Header(names);
  auto c = std::make_shared<Columns>();
  c->handle = header_.index("Handle");
  c->title = header_.index("Title");
  if (!c->handle)
    return fail(ErrorCode::invalid_argument, "no Handle column: not a Shopify product CSV",
                "line 1");
  c->body = header_.index_any({"Body (HTML)", "Body", "Description"});
  c->vendor = header_.index("Vendor");
  c->type = header_.index("Type");
  c->category = header_.index("Product Category");
  c->tags = header_.index("Tags");
  c->published = header_.index_any({"Published", "Published on online store"});
  c->status = header_.index("Status");
  c->sku = header_.index_any({"Variant SKU", "SKU"});
  c->barcode = header_.index_any({"Variant Barcode", "Barcode"});
  c->price = header_.index_any({"Variant Price", "Price"});
  c->compare_at =
      header_.index_any({"Variant Compare At Price", "Compare-at price", "Compare At Price"});
  c->cost = header_.index_any({"Cost per item", "Variant Cost"});
  c->qty = header_.index_any({"Variant Inventory Qty", "Inventory quantity"});
  c->grams = header_.index_any({"Variant Grams", "Weight value (grams)"});
  c->image = header_.index_any({"Image Src", "Product image URL"});
  c->seo_title = header_.index("SEO Title");
  c->seo_description = header_.index("SEO Description");
  for (std::size_t i = 0; i < 3; ++i) {
    std::string n = "Option" + std::to_string(i + 1);
    c->option_name[i] = header_.index(n + " Name");
    c->option_value[i] = header_.index(n + " Value");
  }
  cols_ = std::move(c);
  FONDACO_TRY(read_row());
  return ok();
}

namespace {

std::string_view cell(const std::vector<std::string>& row, Col c) {
  if (!c || *c >= row.size()) return {};
  return trim(row[*c]);
}

}  // namespace

std::string ProductCsvReader::column(std::string_view field) const {
  const Columns* c = cols_.get();
  auto name = [&](Col col, std::string_view fallback) {
    return col ? header_.names()[*col] : std::string(fallback);
  };
  if (!c) return std::string(field);
  if (field == "handle") return name(c->handle, "Handle");
  if (field == "title") return name(c->title, "Title");
  if (field == "description") return name(c->body, "Body (HTML)");
  if (field == "vendor") return name(c->vendor, "Vendor");
  if (field == "category") return name(c->type, "Type");
  if (field == "status") return name(c->status, "Status");
  if (field == "sku") return name(c->sku, "SKU");
  if (field == "barcode") return name(c->barcode, "Barcode");
  if (field == "price") return name(c->price, "Price");
  if (field == "compare_at") return name(c->compare_at, "Compare-at price");
  if (field == "cost") return name(c->cost, "Cost per item");
  if (field == "weight") return name(c->grams, "Weight value (grams)");
  if (field == "inventory_qty") return name(c->qty, "Inventory quantity");
  if (field == "options") return name(c->option_value[0], "Option1 value");
  if (field == "seo_title") return name(c->seo_title, "SEO title");
  if (field == "seo_description") return name(c->seo_description, "SEO description");
  return std::string(field);
}

void ProductCsvReader::parse_first_row(ParsedProduct& out) {
  const Columns& c = *cols_;
  auto& p = out.product;
  p.title = cell(row_, c.title);
  if (p.title.empty()) out.errors.push_back({row_line_, column("title"), "is required"});
  p.description = cell(row_, c.body);
  p.vendor = cell(row_, c.vendor);
  p.category = cell(row_, c.type);
  if (p.category.empty()) p.category = cell(row_, c.category);
  p.tags = cell(row_, c.tags);
  p.seo_title = cell(row_, c.seo_title);
  p.seo_description = cell(row_, c.seo_description);
  std::string status = ascii_lower(cell(row_, c.status));
  std::string published = ascii_lower(cell(row_, c.published));
  if (status == "active" || status == "draft" || status == "archived") {
    p.status = status;
  } else if (!status.empty()) {
    out.errors.push_back({row_line_, column("status"), "must be active, draft or archived"});
  } else {
    p.status = published == "true" ? "active" : "draft";
  }
}

void ProductCsvReader::parse_row(ParsedProduct& out, std::vector<std::string>& option_names) {
  const Columns& c = *cols_;
  auto& p = out.product;
  std::string image(cell(row_, c.image));
  if (!image.empty() && std::find(p.images.begin(), p.images.end(), image) == p.images.end())
    p.images.push_back(std::move(image));
  bool is_variant =
      !cell(row_, c.sku).empty() || !cell(row_, c.price).empty() || !cell(row_, c.barcode).empty();
  for (std::size_t i = 0; i < 3; ++i) {
    auto n = cell(row_, c.option_name[i]);
    if (!n.empty() && p.variants.empty()) option_names[i] = n;
    if (!cell(row_, c.option_value[i]).empty()) is_variant = true;
  }
  if (!is_variant) return;
  VariantRecord v;
  v.line = row_line_;
  auto bad = [&](std::string_view field, std::string reason) {
    out.errors.push_back({row_line_, column(field), std::move(reason)});
  };
  std::string derived_sku = p.handle;
  for (std::size_t i = 0; i < 3; ++i) {
    std::string value(cell(row_, c.option_value[i]));
    if (value.empty()) continue;
    if (option_names[i].empty()) {
      out.errors.push_back({row_line_, header_.names()[*c.option_value[i]],
                            "has no option name on the product's first row"});
      continue;
    }
    if (option_names[i] == "Title" && value == "Default Title") continue;
    derived_sku += "-" + product_file::slug(value);
    v.options.emplace_back(option_names[i], std::move(value));
  }
  v.sku = cell(row_, c.sku);
  if (v.sku.empty()) {
    if (derived_sku.size() > limits::kMaxSkuChars) bad("sku", "is required (too long to derive)");
    v.sku = derived_sku;
  }
  v.barcode = cell(row_, c.barcode);
  auto price = cell(row_, c.price);
  if (price.empty()) {
    bad("price", "is required");
  } else if (auto r = product_file::parse_money(price)) {
    v.price_minor = *r;
  } else {
    bad("price", r.error().message);
  }
  auto money = [&](Col col, std::string_view field, std::optional<std::int64_t>& dst) {
    auto text = cell(row_, col);
    if (text.empty()) return;
    if (auto r = product_file::parse_money(text))
      dst = *r;
    else
      bad(field, r.error().message);
  };
  money(c.compare_at, "compare_at", v.compare_at_minor);
  money(c.cost, "cost", v.cost_minor);
  if (auto g = cell(row_, c.grams); !g.empty()) {
    if (auto r = product_file::parse_grams(g))
      v.weight_g = *r;
    else
      bad("weight", r.error().message);
  }
  if (auto q = cell(row_, c.qty); !q.empty()) {
    if (auto r = product_file::parse_count(q))
      v.inventory_qty = *r;
    else
      out.errors.push_back({row_line_, header_.names()[*c.qty], r.error().message});
  }
  p.variants.push_back(std::move(v));
}

Result<std::optional<ParsedProduct>> ProductCsvReader::next() {
  if (!started_) FONDACO_TRY(start());
  if (pending_error_) return fail(*std::exchange(pending_error_, std::nullopt));
  if (!have_row_) return std::optional<ParsedProduct>{};
  ParsedProduct out;
  out.product.line = row_line_;
  const std::string raw_handle(cell(row_, cols_->handle));
  out.product.handle = product_file::slug(raw_handle.empty() ? cell(row_, cols_->title)
                                                             : std::string_view(raw_handle));
  if (out.product.handle.empty())
    out.errors.push_back({row_line_, column("handle"), "is required"});
  parse_first_row(out);
  std::vector<std::string> option_names(3);
  std::size_t rows = 0;
  do {
    if (++rows <= limits::kImportMaxRowsPerProduct) {
      parse_row(out, option_names);
    } else if (rows == limits::kImportMaxRowsPerProduct + 1) {
      out.errors.push_back({row_line_, column("handle"),
                            "more than " + std::to_string(limits::kImportMaxRowsPerProduct) +
                                " rows for one product"});
      out.product.variants.clear();
    }
    // A broken row after this product ends the file, but not this product: the error is
    // returned by the next call.
    if (auto r = read_row(); !r) {
      pending_error_ = std::move(r.error());
      have_row_ = false;
    }
  } while (have_row_ && !raw_handle.empty() && cell(row_, cols_->handle) == raw_handle);
  if (out.product.variants.empty() && out.errors.empty())
    out.errors.push_back({out.product.line, column("price"), "the product has no variant row"});
  return std::optional<ParsedProduct>(std::move(out));
}

std::string product_csv_header() {
  std::string out;
  std::vector<std::string> names(kHeader.begin(), kHeader.end());
  csv::append_record(out, names);
  return out;
}

void append_product_csv(std::string& out, const product_file::ProductRecord& p) {
  const std::size_t rows = std::max<std::size_t>({p.variants.size(), p.images.size(), 1});
  std::vector<std::string> f(kHeader.size());
  for (std::size_t i = 0; i < rows; ++i) {
    std::fill(f.begin(), f.end(), std::string());
    f[0] = p.handle;
    if (i == 0) {
      // Shopify names the options once, on the first row.
      for (const auto& v : p.variants) {
        if (v.options.empty()) continue;
        for (std::size_t o = 0; o < std::min<std::size_t>(3, v.options.size()); ++o)
          f[11 + 2 * o] = v.options[o].first;
        break;
      }
      f[1] = p.title;
      f[2] = p.description;
      f[3] = p.vendor;
      f[5] = p.category;
      f[6] = p.tags;
      f[7] = p.status == "active" ? "TRUE" : "FALSE";
      f[8] = p.status;
      f[25] = p.seo_title;
      f[26] = p.seo_description;
    }
    if (i < p.variants.size()) {
      const auto& v = p.variants[i];
      f[9] = v.sku;
      f[10] = v.barcode;
      if (v.options.empty() && p.variants.size() == 1) {
        f[11] = "Title";
        f[12] = "Default Title";
      }
      for (std::size_t o = 0; o < std::min<std::size_t>(3, v.options.size()); ++o)
        f[12 + 2 * o] = v.options[o].second;
      if (v.price_minor) f[17] = product_file::format_money(*v.price_minor);
      if (v.compare_at_minor) f[18] = product_file::format_money(*v.compare_at_minor);
      if (v.cost_minor) f[19] = product_file::format_money(*v.cost_minor);
      if (v.inventory_qty) f[20] = std::to_string(*v.inventory_qty);
      if (v.weight_g) {
        f[21] = std::to_string(*v.weight_g);
        f[22] = "g";
      }
    }
    if (i < p.images.size()) {
      f[23] = p.images[i];
      f[24] = std::to_string(i + 1);
    }
    csv::append_record(out, f);
  }
}

}  // namespace fondaco::shopify
