// Private to the storefront: what its pages show, read from the catalog, the storefront
// channel and the stock, and kept in memory so a product page costs no database work.
//
// Caching: every committed event (EventLog::add_commit_listener) bumps a generation; a
// cached value is used only while the generation it was read at is current and it is
// younger than limits::kStorefrontCacheMaxAgeMs (writes by another process sharing a
// PostgreSQL database notify nobody here). The generation is taken before the read, so a
// commit that lands during the read makes the value stale at once. Any event invalidates:
// product, price, stock, reservation and channel changes all emit one, and a page of an
// unchanged product costs one re-read at worst. Reloads are single-flight: concurrent
// requests that find the value stale wait for one reload instead of each reading it.
//
// Rendered pages: a page whose HTML depends only on these values (the product page) is
// rendered once and kept (keep_page) beside the Listing and ProductView objects it was
// rendered from; page() returns it only while listing() and product() still return those
// very objects, so every reload above (a commit, the age limit) retires it too. The
// per-visitor parts (CSRF token, cart count) are holes: the page is rendered with
// hole_marks() in their place, cut at them (cut_holes) and filled per request (fill).
// Thread-safety: ShopData is safe to use from any thread; a PageTemplate is immutable.
#pragma once

#include <array>
#include <atomic>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "fondaco/api/app.h"
#include "fondaco/base/result.h"

namespace fondaco::storefront {

struct VariantView {
  std::string sku;
  std::string label;  // "size M, colour red"; empty for a single plain variant
  std::optional<std::int64_t> price_minor;  // "default" list, quantity 1; none = not for sale
  std::string currency = "EUR";
  std::int64_t available = 0;  // on hand − reserved over the channel's locations
};

struct ProductView {
  std::int64_t id = 0;
  std::string handle, title, description, brand, category, seo_title, seo_description;
  std::vector<VariantView> variants;
  std::int64_t updated_at = 0;
  std::int64_t available() const;
};

// A listed product: what cards, categories, the sitemap and search need.
struct ProductSummary {
  std::int64_t id = 0;
  std::string handle, title, category, category_slug;
  std::optional<std::int64_t> price_minor;  // the lowest variant price
  std::string currency = "EUR";
  std::string search_key;  // lower-cased title, description and SKUs
  std::vector<std::string> skus;
  std::int64_t updated_at = 0;
};

struct Category {
  std::string slug;
  std::string name;
};

struct Listing {
  std::vector<ProductSummary> products;  // active products, newest first
  std::vector<Category> categories;      // by name
  std::map<std::string, std::size_t, std::less<>> by_handle;
  std::map<std::string, std::size_t, std::less<>> by_sku;
  bool truncated = false;  // more than limits::kStorefrontMaxProducts active products
};

// The per-visitor values of a cached page.
enum class Hole : std::uint8_t { csrf, cart_count };

// A rendered page with holes: text with the marks removed, and where each hole goes.
struct PageTemplate {
  std::string text;
  std::vector<std::pair<std::size_t, Hole>> holes;  // offsets into text, ascending
  std::string fill(std::string_view csrf, std::string_view cart_count) const;
};

// A page cut at `marks` (one per Hole, in enum order): every occurrence becomes a hole.
PageTemplate cut_holes(std::string_view rendered, const std::array<std::string, 2>& marks);

struct RenderedPage {
  std::shared_ptr<const Listing> listing;   // what it was rendered from
  std::shared_ptr<const ProductView> view;
  PageTemplate no_cart;    // rendered for a visitor with an empty cart (no count shown)
  PageTemplate with_cart;  // rendered with the count as a hole
};

class ShopData {
 public:
  ShopData(api::Services& s, std::string channel);
  ShopData(const ShopData&) = delete;
  ShopData& operator=(const ShopData&) = delete;

  Result<std::shared_ptr<const Listing>> listing();
  // The active product with this handle, or null.
  Result<std::shared_ptr<const ProductView>> product(std::string_view handle);
  void invalidate() { generation_.fetch_add(1); }

  // The page kept under `key` if it was rendered from exactly these objects, else null.
  std::shared_ptr<const RenderedPage> page(const std::string& key, const Listing* listing,
                                           const ProductView* view);
  void keep_page(std::string key, std::shared_ptr<const RenderedPage> page);
  // Strings, random per process (a seller's text cannot guess them), that a page is
  // rendered with in place of each Hole's value (indexed by Hole); alphanumeric, so HTML
  // escaping leaves them as they are. The cart count's is an 18-digit number.
  const std::array<std::string, 2>& hole_marks() const { return hole_marks_; }

 private:
  Result<std::shared_ptr<const Listing>> load_listing();
  Result<std::shared_ptr<const ProductView>> load_product(std::int64_t id);
  bool fresh(std::uint64_t gen, std::int64_t at_ms) const;

  struct Cached {
    std::shared_ptr<const ProductView> view;
    std::uint64_t gen = 0;
    std::int64_t at_ms = 0;
  };
  api::Services& s_;
  std::string channel_;
  std::shared_ptr<std::atomic<std::uint64_t>> generation_ptr_;
  std::atomic<std::uint64_t>& generation_;
  std::mutex reload_mu_;  // held while reading from the database (never while holding mu_)
  std::mutex mu_;
  std::shared_ptr<const Listing> listing_;
  std::uint64_t listing_gen_ = 0;
  std::int64_t listing_at_ms_ = 0;
  std::unordered_map<std::int64_t, Cached> products_;
  std::array<std::string, 2> hole_marks_;
  std::mutex pages_mu_;  // never held with the other two
  std::unordered_map<std::string, std::shared_ptr<const RenderedPage>> pages_;
};

}  // namespace fondaco::storefront
