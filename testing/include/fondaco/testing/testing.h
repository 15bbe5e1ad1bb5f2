// Test helpers shared by every suite.
//
// TestDb gives each test a fresh, migrated database on the engine it is parameterised
// with: SQLite in a temporary directory, or PostgreSQL in a new schema of the server the
// ctest fixture started (testing/pg_server; its URL file is named by
// FONDACO_TEST_PG_URL_FILE). A test that asks for PostgreSQL fails, never skips, when the
// server is missing, so CI always covers both engines.
// Thread-safety: one TestDb per test; FakeClock is atomic; FakeRandom is not thread-safe.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "fondaco/base/clock.h"
#include "fondaco/catalog/catalog.h"
#include "fondaco/storage/database.h"

namespace fondaco::testing {

class FakeClock final : public Clock {
 public:
  explicit FakeClock(std::int64_t start_ms = 1'790'000'000'000) : now_(start_ms) {}
  std::int64_t now_ms() const override { return now_.load(); }
  void advance_ms(std::int64_t d) { now_ += d; }
  void set_ms(std::int64_t t) { now_ = t; }

 private:
  std::atomic<std::int64_t> now_;
};

// Deterministic bytes from a seed (splitmix64).
class FakeRandom final : public Random {
 public:
  explicit FakeRandom(std::uint64_t seed = 42) : state_(seed) {}
  void fill(std::span<std::byte> out) override;

 private:
  std::uint64_t state_;
};

// The engines every storage-facing suite runs on.
std::vector<std::string> engines();

class TestDb {
 public:
  // engine: "sqlite" or "postgres". Creates an empty database (not migrated).
  explicit TestDb(const std::string& engine);
  ~TestDb();
  const std::string& url() const { return url_; }
  // Opens (another) connection pool on the same database.
  std::unique_ptr<storage::Database> open() const;
  // Opens and applies every module's migrations.
  std::unique_ptr<storage::Database> open_migrated() const;

 private:
  std::string engine_;
  std::string url_;
  std::string dir_;     // sqlite
  std::string admin_url_;  // postgres: the base database
  std::string schema_;  // postgres
};

// A product with defaults; each setter overrides one thing.
class ProductBuilder {
 public:
  explicit ProductBuilder(std::string title = "Test product");
  ProductBuilder& variant(std::string sku, std::int64_t price_minor = 1000);
  ProductBuilder& gtin(std::string gtin);  // of the last variant
  ProductBuilder& vat(int rate_bp, std::optional<std::string> natura = std::nullopt);
  ProductBuilder& status(catalog::ProductStatus s);
  ProductBuilder& category(std::string c);
  catalog::ProductInput build() const;

 private:
  catalog::ProductInput in_;
};

// Minimal blocking HTTP/1.1 client over one keep-alive connection to 127.0.0.1.
struct HttpResult {
  int status = 0;
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
  std::string header(std::string_view name) const;
};

class HttpClient {
 public:
  explicit HttpClient(std::uint16_t port) : port_(port) {}
  ~HttpClient();
  HttpResult request(const std::string& method, const std::string& target,
                     const std::string& body = {},
                     std::vector<std::pair<std::string, std::string>> headers = {});
  // Sends raw bytes on a new connection and returns whatever comes back until close.
  std::string raw(const std::string& bytes);

 private:
  bool connect_();
  std::uint16_t port_;
  int fd_ = -1;
};

// Extracts a top-level or nested value of a JSON document with a tiny path ("a.b[0].c"),
// for assertions: strings as they are, integers in decimal, "null", "true"/"false",
// arrays as "[<size>]", objects as "{...}"; "<missing>" or "<invalid json>" otherwise.
std::string json_at(const std::string& body, const std::string& path);

// A file of ../shared/data/formats (the real platform files beside the checkout: Shopify,
// WooCommerce, Amazon), read whole; the test fails when it is missing or empty.
std::string shared_format_file(const std::string& relative_path);

}  // namespace fondaco::testing
