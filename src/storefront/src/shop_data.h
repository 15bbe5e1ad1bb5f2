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
// Thread-safety: ShopData is safe to use from any thread.
#pragma once

#include <atomic>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
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

class ShopData {
 public:
  ShopData(api::Services& s, std::string channel);
  ShopData(const ShopData&) = delete;
  ShopData& operator=(const ShopData&) = delete;

  Result<std::shared_ptr<const Listing>> listing();
  // The active product with this handle, or null.
  Result<std::shared_ptr<const ProductView>> product(std::string_view handle);
  void invalidate() { generation_.fetch_add(1); }

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
};

}  // namespace fondaco::storefront
