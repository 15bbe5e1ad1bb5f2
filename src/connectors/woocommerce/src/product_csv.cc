#include "fondaco/woocommerce/product_csv.h"

#include <algorithm>
#include <array>
#include <utility>

#include "fondaco/base/limits.h"
#include "fondaco/base/text.h"

namespace fondaco::woocommerce {

using product_file::ParsedProduct;
using product_file::RowError;
using product_file::VariantRecord;

namespace {

using Col = std::optional<std::size_t>;

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

std::string_view cell(const std::vector<std::string>& row, Col c) {
  if (!c || *c >= row.size()) return {};
  return trim(row[*c]);
}

std::vector<std::string> split_list(std::string_view s) {
  std::vector<std::string> out;
  while (!s.empty()) {
    auto comma = s.find(',');
    auto part = trim(s.substr(0, comma));
    if (!part.empty()) out.emplace_back(part);
    if (comma == std::string_view::npos) break;
    s.remove_prefix(comma + 1);
  }
  return out;
}

// Grams per unit as a fraction, for the units WooCommerce offers.
struct Unit {
  std::int64_t num = 1, den = 1;
};

std::optional<Unit> unit_of(std::string_view header) {
  auto open = header.find('('), close = header.find(')');
  if (open == std::string_view::npos || close == std::string_view::npos) return std::nullopt;
  std::string u = ascii_lower(header.substr(open + 1, close - open - 1));
  if (u == "g") return Unit{1, 1};
  if (u == "kg") return Unit{1000, 1};
  if (u == "lbs" || u == "lb") return Unit{45359237, 100000};
  if (u == "oz") return Unit{28349523125, 1000000000};
  return std::nullopt;
}

// "1.5" in `unit` to whole grams, half up, exactly (no double).
Result<std::int64_t> to_grams(std::string_view text, Unit unit) {
  auto dot = text.find('.');
  std::string digits(text.substr(0, dot));
  std::string frac = dot == std::string_view::npos ? "" : std::string(text.substr(dot + 1));
  if (frac.size() > 6 || (digits.empty() && frac.empty()) || digits.size() > 9)
    return fail(ErrorCode::invalid_argument, "is not a weight");
  frac.resize(6, '0');
  __int128 micro = 0;
  for (char c : digits + frac) {
    if (c < '0' || c > '9') return fail(ErrorCode::invalid_argument, "is not a weight");
    micro = micro * 10 + (c - '0');
  }
  __int128 den = static_cast<__int128>(unit.den) * 1000000;
  __int128 grams = (micro * unit.num * 2 + den) / (2 * den);
  if (grams > limits::kMaxWeightGrams) return fail(ErrorCode::invalid_argument, "is too heavy");
  return static_cast<std::int64_t>(grams);
}

}  // namespace

struct ProductCsvReader::Columns {
  Col id, type, sku, name, published, short_description, description, stock, sale, regular,
      categories, tags, images, parent, weight;
  Unit weight_unit;
  std::array<Col, 3> attr_name, attr_value;
};

ProductCsvReader::ProductCsvReader(csv::Reader::Source source)
    : reader_(std::move(source), csv::Options{}) {}

Result<void> ProductCsvReader::start() {
  started_ = true;
  std::vector<std::string> names;
  if (!FONDACO_TRY(reader_.next(names)))
    return fail(ErrorCode::invalid_argument, "the file is empty", "line 1");
  header_ = csv::Header(names);
  auto c = std::make_shared<Columns>();
  c->id = header_.index("ID");
  c->type = header_.index("Type");
  c->sku = header_.index("SKU");
  c->name = header_.index("Name");
  if (!c->type || !c->name)
    return fail(ErrorCode::invalid_argument,
                "no Type or Name column: not a WooCommerce product CSV", "line 1");
  c->published = header_.index("Published");
  c->short_description = header_.index("Short description");
  c->description = header_.index("Description");
  c->stock = header_.index("Stock");
  c->sale = header_.index("Sale price");
  c->regular = header_.index("Regular price");
  c->categories = header_.index("Categories");
  c->tags = header_.index("Tags");
  c->images = header_.index("Images");
  c->parent = header_.index("Parent");
  for (std::size_t i = 0; i < header_.size(); ++i) {
    if (!ascii_lower(header_.names()[i]).starts_with("weight (")) continue;
    auto u = unit_of(header_.names()[i]);
    if (!u)
      return fail(ErrorCode::invalid_argument, "unknown weight unit in " + header_.names()[i],
                  "line 1");
    c->weight = i;
    c->weight_unit = *u;
  }
  for (std::size_t i = 0; i < 3; ++i) {
    std::string n = "Attribute " + std::to_string(i + 1);
    c->attr_name[i] = header_.index(n + " name");
    c->attr_value[i] = header_.index(n + " value(s)");
  }
  cols_ = std::move(c);
  return ok();
}

std::string ProductCsvReader::column(std::string_view field) const {
  const Columns* c = cols_.get();
  auto name = [&](Col col, std::string_view fallback) {
    return c && col ? header_.names()[*col] : std::string(fallback);
  };
  if (field == "sku" || field == "barcode") return name(c ? c->sku : Col{}, "SKU");
  if (field == "title" || field == "handle") return name(c ? c->name : Col{}, "Name");
  if (field == "price") return name(c ? c->regular : Col{}, "Regular price");
  if (field == "compare_at") return name(c ? c->regular : Col{}, "Regular price");
  if (field == "weight") return name(c ? c->weight : Col{}, "Weight (kg)");
  if (field == "inventory_qty") return name(c ? c->stock : Col{}, "Stock");
  if (field == "options") return name(c ? c->attr_value[0] : Col{}, "Attribute 1 value(s)");
  if (field == "category") return name(c ? c->categories : Col{}, "Categories");
  if (field == "status") return name(c ? c->published : Col{}, "Published");
  if (field == "description") return name(c ? c->description : Col{}, "Description");
  return std::string(field);
}

ParsedProduct ProductCsvReader::parse_product_row(const std::vector<std::string>& row) {
  const Columns& c = *cols_;
  ParsedProduct out;
  auto& p = out.product;
  p.line = line_;
  p.title = cell(row, c.name);
  if (p.title.empty()) out.errors.push_back({line_, column("title"), "is required"});
  p.description = cell(row, c.description);
  if (p.description.empty()) p.description = cell(row, c.short_description);
  auto categories = split_list(cell(row, c.categories));
  if (!categories.empty()) p.category = categories[0];
  p.tags = cell(row, c.tags);
  p.images = split_list(cell(row, c.images));
  auto published = cell(row, c.published);
  if (published == "1")
    p.status = "active";
  else if (published == "0")
    p.status = "archived";
  else if (published.empty() || published == "-1")
    p.status = "draft";
  else
    out.errors.push_back({line_, column("status"), "must be 1, 0 or -1"});
  return out;
}

void ProductCsvReader::parse_variant(const std::vector<std::string>& row, ParsedProduct& into,
                                     bool variation) {
  const Columns& c = *cols_;
  VariantRecord v;
  v.line = line_;
  auto bad = [&](std::string_view field, std::string reason) {
    into.errors.push_back({line_, column(field), std::move(reason)});
  };
  v.sku = cell(row, c.sku);
  if (v.sku.empty() && !cell(row, c.id).empty()) v.sku = "woo-" + std::string(cell(row, c.id));
  if (v.sku.empty()) bad("sku", "is required");
  if (variation) {
    for (std::size_t i = 0; i < 3; ++i) {
      auto n = cell(row, c.attr_name[i]);
      auto value = cell(row, c.attr_value[i]);
      if (!n.empty() && !value.empty()) v.options.emplace_back(n, value);  // empty = "any"
    }
  }
  std::optional<std::int64_t> sale, regular;
  auto money = [&](Col col, std::optional<std::int64_t>& dst) {
    auto text = cell(row, col);
    if (text.empty()) return;
    if (auto r = product_file::parse_money(text))
      dst = *r;
    else
      into.errors.push_back({line_, header_.names()[*col], r.error().message});
  };
  money(c.sale, sale);
  money(c.regular, regular);
  if (sale) {
    v.price_minor = sale;
    v.compare_at_minor = regular;
  } else {
    v.price_minor = regular;
  }
  if (!sale && !regular && !cell(row, c.regular).size()) bad("price", "is required");
  if (auto w = cell(row, c.weight); !w.empty()) {
    if (auto r = to_grams(w, c.weight_unit))
      v.weight_g = *r;
    else
      bad("weight", r.error().message);
  }
  if (auto q = cell(row, c.stock); !q.empty()) {
    if (auto r = product_file::parse_count(q))
      v.inventory_qty = *r;
    else
      bad("inventory_qty", r.error().message);
  }
  if (into.product.variants.size() >= limits::kImportMaxRowsPerProduct) {
    bad("sku", "too many variations for one product");
    return;
  }
  into.product.variants.push_back(std::move(v));
}

Result<std::optional<ParsedProduct>> ProductCsvReader::read_simple() {
  std::vector<std::string> row;
  while (FONDACO_TRY(reader_.next(row))) {
    ++rows_;
    line_ = reader_.line();
    auto types = split_list(ascii_lower(cell(row, cols_->type)));
    std::string type = types.empty() ? "simple" : types[0];
    if (type == "variation") {
      std::string parent(cell(row, cols_->parent));
      auto it = parent_index_.find(parent);
      if (it != parent_index_.end())
        parse_variant(row, parked_[it->second], true);
      else
        orphans_[parent].emplace_back(line_, std::move(row));
      continue;
    }
    if (type == "variable") {
      parked_.push_back(parse_product_row(row));
      std::vector<std::string> keys = {std::string(cell(row, cols_->sku)),
                                       "id:" + std::string(cell(row, cols_->id))};
      for (const auto& k : keys) {
        if (k.empty() || k == "id:") continue;
        parent_index_[k] = parked_.size() - 1;
        auto orphans = orphans_.find(k);
        if (orphans == orphans_.end()) continue;
        for (auto& [line, r] : orphans->second) {
          line_ = line;
          parse_variant(r, parked_.back(), true);
        }
        orphans_.erase(orphans);
      }
      continue;
    }
    if (type == "simple") {
      auto p = parse_product_row(row);
      parse_variant(row, p, false);
      return std::optional<ParsedProduct>(std::move(p));
    }
    skipped_.push_back({line_, header_.names()[*cols_->type], type + " products are not imported"});
  }
  return std::optional<ParsedProduct>{};
}

std::optional<ParsedProduct> ProductCsvReader::next_parked() {
  if (next_parked_ < parked_.size()) {
    auto p = std::move(parked_[next_parked_++]);
    if (p.product.variants.empty() && p.errors.empty())
      p.errors.push_back({p.product.line, column("sku"), "the variable product has no variations"});
    return p;
  }
  return std::nullopt;
}

Result<std::optional<ParsedProduct>> ProductCsvReader::next() {
  if (!started_) FONDACO_TRY(start());
  if (!at_end_) {
    auto p = FONDACO_TRY(read_simple());
    if (p) return p;
    at_end_ = true;
    for (auto& [parent, rows] : orphans_)
      for (auto& [line, row] : rows) {
        ParsedProduct lost;
        lost.product.line = line;
        lost.errors.push_back({line, cols_->parent ? header_.names()[*cols_->parent] : "Parent",
                               "no variable product " + parent + " in the file"});
        parked_.push_back(std::move(lost));
      }
    orphans_.clear();
  }
  return next_parked();
}

namespace {

constexpr std::array<std::string_view, 28> kHeader = {"ID",
                                                      "Type",
                                                      "SKU",
                                                      "Name",
                                                      "Published",
                                                      "Short description",
                                                      "Description",
                                                      "In stock?",
                                                      "Stock",
                                                      "Sale price",
                                                      "Regular price",
                                                      "Categories",
                                                      "Tags",
                                                      "Weight (g)",
                                                      "Images",
                                                      "Parent",
                                                      "Attribute 1 name",
                                                      "Attribute 1 value(s)",
                                                      "Attribute 1 visible",
                                                      "Attribute 1 global",
                                                      "Attribute 2 name",
                                                      "Attribute 2 value(s)",
                                                      "Attribute 2 visible",
                                                      "Attribute 2 global",
                                                      "Attribute 3 name",
                                                      "Attribute 3 value(s)",
                                                      "Attribute 3 visible",
                                                      "Attribute 3 global"};

void put_variant(std::vector<std::string>& f, const VariantRecord& v) {
  f[2] = v.sku;
  if (v.inventory_qty) f[8] = std::to_string(*v.inventory_qty);
  if (v.compare_at_minor && v.price_minor) {
    f[9] = product_file::format_money(*v.price_minor);
    f[10] = product_file::format_money(*v.compare_at_minor);
  } else if (v.price_minor) {
    f[10] = product_file::format_money(*v.price_minor);
  }
  if (v.weight_g) f[13] = std::to_string(*v.weight_g);
}

}  // namespace

std::string product_csv_header() {
  std::string out = "\xEF\xBB\xBF";
  std::vector<std::string> names(kHeader.begin(), kHeader.end());
  csv::append_record(out, names);
  return out;
}

void append_product_csv(std::string& out, const product_file::ProductRecord& p) {
  std::vector<std::string> f(kHeader.size());
  f[3] = p.title;
  f[4] = p.status == "active" ? "1" : p.status == "archived" ? "0" : "-1";
  f[6] = p.description;
  f[7] = "1";
  f[11] = p.category;
  f[12] = p.tags;
  for (std::size_t i = 0; i < p.images.size(); ++i) f[14] += (i ? ", " : "") + p.images[i];
  const bool simple = p.variants.size() == 1 && p.variants[0].options.empty();
  if (simple || p.variants.empty()) {
    f[1] = "simple";
    if (!p.variants.empty()) put_variant(f, p.variants[0]);
    csv::append_record(out, f);
    return;
  }
  std::string parent_sku = p.handle.empty() ? product_file::slug(p.title) : p.handle;
  for (const auto& v : p.variants)
    if (v.sku == parent_sku) parent_sku += "-parent";
  f[1] = "variable";
  f[2] = parent_sku;
  // The parent lists each attribute's values, in first-seen order.
  const auto& names = p.variants[0].options;
  for (std::size_t a = 0; a < std::min<std::size_t>(3, names.size()); ++a) {
    std::vector<std::string> values;
    for (const auto& v : p.variants)
      if (a < v.options.size() &&
          std::find(values.begin(), values.end(), v.options[a].second) == values.end())
        values.push_back(v.options[a].second);
    f[16 + 4 * a] = names[a].first;
    for (std::size_t i = 0; i < values.size(); ++i) f[17 + 4 * a] += (i ? ", " : "") + values[i];
    f[18 + 4 * a] = "1";
    f[19 + 4 * a] = "0";
  }
  csv::append_record(out, f);
  for (const auto& v : p.variants) {
    std::vector<std::string> r(kHeader.size());
    r[1] = "variation";
    r[3] = p.title;
    r[4] = "1";
    r[7] = "1";
    r[15] = parent_sku;
    put_variant(r, v);
    for (std::size_t a = 0; a < std::min<std::size_t>(3, v.options.size()); ++a) {
      r[16 + 4 * a] = v.options[a].first;
      r[17 + 4 * a] = v.options[a].second;
      r[18 + 4 * a] = "1";
      r[19 + 4 * a] = "0";
    }
    csv::append_record(out, r);
  }
}

}  // namespace fondaco::woocommerce
