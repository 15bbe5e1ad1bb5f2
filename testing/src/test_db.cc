#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <random>

#include <gtest/gtest.h>

#include "fondaco/channels/channels.h"
#include "fondaco/events/event_log.h"
#include "fondaco/governance/tokens.h"
#include "fondaco/inventory/inventory.h"
#include "fondaco/orders/orders.h"
#include "fondaco/fulfillment/fulfillment.h"
#include "fondaco/invoicing/invoicing.h"
#include "fondaco/notifications/notifications.h"
#include "fondaco/payments/payments.h"
#include "fondaco/returns/returns.h"
#include "fondaco/storage/migrations.h"
#include "fondaco/webhooks/webhooks.h"
#include "fondaco/customers/customers.h"
#include "fondaco/testing/testing.h"

namespace fondaco::testing {

void FakeRandom::fill(std::span<std::byte> out) {
  for (auto& b : out) {
    std::uint64_t z = (state_ += 0x9E3779B97F4A7C15ULL);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    b = static_cast<std::byte>(z ^ (z >> 31));
  }
}

std::vector<std::string> engines() { return {"sqlite", "postgres"}; }

namespace {
std::string unique_suffix() {
  static std::atomic<int> counter{0};
  std::random_device rd;
  return std::to_string(getpid()) + "_" + std::to_string(counter++) + "_" +
         std::to_string(rd() % 100000);
}

std::string pg_base_url() {
  const char* file = std::getenv("FONDACO_TEST_PG_URL_FILE");
  if (!file) ADD_FAILURE() << "FONDACO_TEST_PG_URL_FILE is not set (run the tests with ctest)";
  std::ifstream in(file ? file : "");
  std::string url;
  std::getline(in, url);
  if (url.empty())
    ADD_FAILURE() << "no PostgreSQL URL in " << (file ? file : "(unset)")
                  << ": the postgres_start fixture did not run or failed";
  return url;
}

void must(const Result<void>& r, const char* what) {
  if (!r) ADD_FAILURE() << what << ": " << r.error().message;
}
}  // namespace

TestDb::TestDb(const std::string& engine) : engine_(engine) {
  if (engine == "sqlite") {
    dir_ = (std::filesystem::temp_directory_path() / ("fondaco_test_" + unique_suffix())).string();
    std::filesystem::create_directories(dir_);
    url_ = "sqlite:" + dir_ + "/test.db";
    return;
  }
  admin_url_ = pg_base_url();
  schema_ = "t_" + unique_suffix();
  auto admin = storage::open_database(admin_url_);
  if (!admin) {
    ADD_FAILURE() << "cannot connect to test PostgreSQL: " << admin.error().message;
    return;
  }
  must((*admin)->write([&](storage::Tx& tx) -> Result<void> {
    FONDACO_TRY(tx.exec("CREATE SCHEMA " + schema_));
    return ok();
  }), "create schema");
  url_ = admin_url_ + (admin_url_.find('?') == std::string::npos ? "?" : "&") +
         "options=-csearch_path%3D" + schema_;
}

TestDb::~TestDb() {
  if (!dir_.empty()) {
    std::error_code ec;
    std::filesystem::remove_all(dir_, ec);
  }
  if (!schema_.empty()) {
    if (auto admin = storage::open_database(admin_url_)) {
      (void)(*admin)->write([&](storage::Tx& tx) -> Result<void> {
        FONDACO_TRY(tx.exec("DROP SCHEMA " + schema_ + " CASCADE"));
        return ok();
      });
    }
  }
}

std::unique_ptr<storage::Database> TestDb::open() const {
  auto db = storage::open_database(url_);
  if (!db) {
    ADD_FAILURE() << "open " << url_ << ": " << db.error().message;
    return nullptr;
  }
  return std::move(*db);
}

std::unique_ptr<storage::Database> TestDb::open_migrated() const {
  auto db = open();
  if (!db) return nullptr;
  const storage::ModuleMigrations modules[] = {
      {"events", events::migrations()},
      {"catalog", catalog::migrations()},
      {"inventory", inventory::migrations()},
      {"governance", governance::migrations()},
      {"orders", orders::migrations()},
      {"channels", channels::migrations()},
      {"payments", payments::migrations()},
      {"invoicing", invoicing::migrations()},
      {"fulfillment", fulfillment::migrations()},
      {"returns", returns::migrations()},
      {"notifications", notifications::migrations()},
      {"webhooks", webhooks::migrations()},
      {"customers", customers::migrations()},
  };
  auto r = storage::migrate(*db, modules, 0);
  if (!r) ADD_FAILURE() << "migrate: " << r.error().message;
  return db;
}

ProductBuilder::ProductBuilder(std::string title) {
  in_.title = std::move(title);
  in_.status = catalog::ProductStatus::active;
}

ProductBuilder& ProductBuilder::variant(std::string sku, std::int64_t price_minor) {
  catalog::VariantInput v;
  v.sku = std::move(sku);
  v.prices = std::vector<catalog::PriceInput>{{"default", price_minor, 1}};
  in_.variants.push_back(std::move(v));
  return *this;
}

ProductBuilder& ProductBuilder::gtin(std::string gtin) {
  in_.variants.back().gtin = std::move(gtin);
  return *this;
}

ProductBuilder& ProductBuilder::vat(int rate_bp, std::optional<std::string> natura) {
  in_.variants.back().vat_rate_bp = rate_bp;
  in_.variants.back().natura = std::move(natura);
  return *this;
}

ProductBuilder& ProductBuilder::status(catalog::ProductStatus s) {
  in_.status = s;
  return *this;
}

ProductBuilder& ProductBuilder::category(std::string c) {
  in_.category = std::move(c);
  return *this;
}

catalog::ProductInput ProductBuilder::build() const {
  catalog::ProductInput out = in_;
  if (out.variants.empty()) {
    catalog::VariantInput v;
    v.sku = "SKU-1";
    v.prices = std::vector<catalog::PriceInput>{{"default", 1000, 1}};
    out.variants.push_back(std::move(v));
  }
  return out;
}

}  // namespace fondaco::testing
