#include "shop_data.h"

#include <algorithm>
#include <span>

#include "fondaco/base/limits.h"
#include "fondaco/base/text.h"
#include "fondaco/channels/channels.h"
#include "form.h"

namespace fondaco::storefront {
namespace {

std::optional<std::int64_t> unit_price(const catalog::Variant& v, std::string& currency) {
  std::optional<std::int64_t> best;
  std::int64_t best_qty = 0;
  for (const auto& p : v.prices) {
    if (p.price_list != "default") continue;
    if (!best || p.min_qty < best_qty) {
      best = p.amount_minor;
      best_qty = p.min_qty;
      currency = p.currency;
    }
  }
  if (best && best_qty > 1) return std::nullopt;  // nothing sells a single unit
  return best;
}

std::string variant_label(const catalog::Variant& v) {
  std::string out;
  for (const auto& [name, value] : v.options) {
    if (!out.empty()) out += ", ";
    out += name + " " + value;
  }
  return out;
}

ProductSummary summarize(const catalog::Product& p) {
  ProductSummary s;
  s.id = p.id;
  s.handle = p.handle;
  s.title = p.title;
  s.category = p.category;
  s.category_slug = slugify(p.category);
  s.updated_at = p.updated_at;
  s.search_key = ascii_lower(p.title) + "\n" + ascii_lower(p.description);
  for (const auto& v : p.variants) {
    std::string currency = "EUR";
    const auto price = unit_price(v, currency);
    if (price && (!s.price_minor || *price < *s.price_minor)) {
      s.price_minor = price;
      s.currency = currency;
    }
    s.search_key += "\n" + ascii_lower(v.sku);
    s.skus.push_back(v.sku);
  }
  return s;
}

}  // namespace

std::string PageTemplate::fill(std::string_view csrf, std::string_view cart_count) const {
  std::string out;
  out.reserve(text.size() + holes.size() * csrf.size());
  std::size_t at = 0;
  for (const auto& [offset, hole] : holes) {
    out.append(text, at, offset - at);
    out += hole == Hole::csrf ? csrf : cart_count;
    at = offset;
  }
  out.append(text, at);
  return out;
}

PageTemplate cut_holes(std::string_view rendered, const std::array<std::string, 2>& marks) {
  PageTemplate t;
  t.text.reserve(rendered.size());
  std::size_t at = 0;
  for (;;) {
    std::size_t next = std::string_view::npos, which = 0;
    for (std::size_t i = 0; i < marks.size(); ++i) {
      const auto found = rendered.find(marks[i], at);
      if (found < next) {
        next = found;
        which = i;
      }
    }
    if (next == std::string_view::npos) break;
    t.text.append(rendered.substr(at, next - at));
    t.holes.emplace_back(t.text.size(), static_cast<Hole>(which));
    at = next + marks[which].size();
  }
  t.text.append(rendered.substr(at));
  return t;
}

std::int64_t ProductView::available() const {
  std::int64_t n = 0;
  for (const auto& v : variants) n += v.available;
  return n;
}

ShopData::ShopData(api::Services& s, std::string channel)
    : s_(s),
      channel_(std::move(channel)),
      generation_ptr_(std::make_shared<std::atomic<std::uint64_t>>(1)),
      generation_(*generation_ptr_) {
  std::array<std::byte, 16> bytes;
  s_.random.fill(bytes);
  hole_marks_[static_cast<int>(Hole::csrf)] =
      "hole" + hex_encode({reinterpret_cast<const char*>(bytes.data()), bytes.size()});
  // The cart count reaches the page as a number (PageMeta::cart_count): 18 random digits.
  std::uint64_t n = 0;
  s_.random.fill(std::as_writable_bytes(std::span(&n, 1)));
  hole_marks_[static_cast<int>(Hole::cart_count)] =
      std::to_string(100'000'000'000'000'000ULL + n % 900'000'000'000'000'000ULL);
  // The listener may outlive this object's users; it holds the counter, not `this`.
  s_.log.add_commit_listener([gen = generation_ptr_](std::string_view, std::string_view,
                                                     std::string_view) { gen->fetch_add(1); });
}

bool ShopData::fresh(std::uint64_t gen, std::int64_t at_ms) const {
  return gen == generation_.load() && s_.clock.now_ms() - at_ms < limits::kStorefrontCacheMaxAgeMs;
}

Result<std::shared_ptr<const Listing>> ShopData::listing() {
  {
    std::lock_guard lock(mu_);
    if (listing_ && fresh(listing_gen_, listing_at_ms_)) return listing_;
  }
  // One reload at a time: the others wait for it instead of all reading the same rows.
  std::lock_guard reload(reload_mu_);
  {
    std::lock_guard lock(mu_);
    if (listing_ && fresh(listing_gen_, listing_at_ms_)) return listing_;
  }
  const auto gen = generation_.load();
  const auto at = s_.clock.now_ms();
  auto fresh_listing = FONDACO_TRY(load_listing());
  std::lock_guard lock(mu_);
  listing_ = fresh_listing;
  listing_gen_ = gen;
  listing_at_ms_ = at;
  return fresh_listing;
}

Result<std::shared_ptr<const Listing>> ShopData::load_listing() {
  auto out = std::make_shared<Listing>();
  FONDACO_TRY(s_.db.read([&](storage::Tx& tx) -> Result<void> {
    catalog::ProductFilter f;
    f.status = catalog::ProductStatus::active;
    f.limit = 100;
    while (out->products.size() < static_cast<std::size_t>(limits::kStorefrontMaxProducts)) {
      auto page = FONDACO_TRY(s_.catalog.list(tx, f));
      for (const auto& p : page.items) out->products.push_back(summarize(p));
      if (!page.next_after) return ok();
      f.after_id = *page.next_after;
    }
    out->truncated = true;
    return ok();
  }));
  if (out->products.size() > static_cast<std::size_t>(limits::kStorefrontMaxProducts))
    out->products.resize(limits::kStorefrontMaxProducts);
  std::reverse(out->products.begin(), out->products.end());  // newest first
  std::map<std::string, std::string> cats;
  for (std::size_t i = 0; i < out->products.size(); ++i) {
    const auto& p = out->products[i];
    out->by_handle.emplace(p.handle, i);
    for (const auto& sku : p.skus) out->by_sku.emplace(sku, i);
    if (!p.category_slug.empty()) cats.emplace(p.category, p.category_slug);
  }
  for (const auto& [name, slug] : cats) out->categories.push_back({slug, name});
  return std::shared_ptr<const Listing>(std::move(out));
}

Result<std::shared_ptr<const ProductView>> ShopData::product(std::string_view handle) {
  auto list = FONDACO_TRY(listing());
  const auto it = list->by_handle.find(handle);
  if (it == list->by_handle.end()) return std::shared_ptr<const ProductView>{};
  const std::int64_t id = list->products[it->second].id;
  {
    std::lock_guard lock(mu_);
    if (auto c = products_.find(id); c != products_.end() && fresh(c->second.gen, c->second.at_ms))
      return c->second.view;
  }
  std::lock_guard reload(reload_mu_);
  {
    std::lock_guard lock(mu_);
    if (auto c = products_.find(id); c != products_.end() && fresh(c->second.gen, c->second.at_ms))
      return c->second.view;
  }
  const auto gen = generation_.load();
  const auto at = s_.clock.now_ms();
  auto view = FONDACO_TRY(load_product(id));
  std::lock_guard lock(mu_);
  if (products_.size() >= limits::kStorefrontProductCacheEntries) products_.clear();
  products_[id] = Cached{view, gen, at};
  return view;
}

Result<std::shared_ptr<const ProductView>> ShopData::load_product(std::int64_t id) {
  return s_.db.read([&](storage::Tx& tx) -> Result<std::shared_ptr<const ProductView>> {
    auto p = FONDACO_TRY(s_.catalog.get(tx, id));
    if (p.status != catalog::ProductStatus::active) return std::shared_ptr<const ProductView>{};
    auto channel = FONDACO_TRY(channels::Channels::find(tx, channel_));
    std::vector<std::string> locations;
    if (channel) locations = channel->locations;
    auto v = std::make_shared<ProductView>();
    v->id = p.id;
    v->handle = p.handle;
    v->title = p.title;
    v->description = p.description;
    v->brand = p.brand;
    v->category = p.category;
    v->seo_title = p.seo_title;
    v->seo_description = p.seo_description;
    v->updated_at = p.updated_at;
    for (const auto& var : p.variants) {
      VariantView vv{var.sku, variant_label(var), std::nullopt, "EUR", 0};
      vv.price_minor = unit_price(var, vv.currency);
      for (const auto& ls : FONDACO_TRY(s_.inventory.available_by_location(tx, var.sku))) {
        // No configured list: what place_order would use, every warehouse, store and bin.
        const bool sells = locations.empty() ? ls.kind == inventory::LocationKind::warehouse ||
                                                   ls.kind == inventory::LocationKind::store ||
                                                   ls.kind == inventory::LocationKind::bin
                                             : std::find(locations.begin(), locations.end(),
                                                         ls.location) != locations.end();
        if (sells && ls.available > 0) vv.available += ls.available;
      }
      v->variants.push_back(std::move(vv));
    }
    return std::shared_ptr<const ProductView>(std::move(v));
  });
}

std::shared_ptr<const RenderedPage> ShopData::page(const std::string& key, const Listing* listing,
                                                   const ProductView* view) {
  std::lock_guard lock(pages_mu_);
  const auto it = pages_.find(key);
  if (it == pages_.end() || it->second->listing.get() != listing || it->second->view.get() != view)
    return nullptr;
  return it->second;
}

void ShopData::keep_page(std::string key, std::shared_ptr<const RenderedPage> page) {
  std::lock_guard lock(pages_mu_);
  if (pages_.size() >= limits::kStorefrontPageCacheEntries && !pages_.contains(key))
    pages_.clear();
  pages_.insert_or_assign(std::move(key), std::move(page));
}

}  // namespace fondaco::storefront
