// A real Fondaco server over a fresh database (SQLite or PostgreSQL), listening on a free
// loopback port, and helpers to call it as a client would.
#pragma once

#include <gtest/gtest.h>

#include <memory>
#include <string>

#include "app.h"
#include "fondaco/testing/testing.h"

namespace fondaco::apitest {

class ApiTest : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override;
  void TearDown() override;
  // Where the runtime sends e-mail (none by default: they stay queued).
  virtual app::SmtpConfig smtp_config() { return {}; }

  // Creates a token with this role and returns its secret.
  std::string token_for(governance::Role role);

  testing::HttpResult get(const std::string& target, const std::string& token = {});
  testing::HttpResult post(const std::string& target, const std::string& body,
                           const std::string& token = {});
  testing::HttpResult patch(const std::string& target, const std::string& body,
                            const std::string& token = {});
  testing::HttpResult del(const std::string& target, const std::string& token = {});
  testing::HttpResult send(const std::string& method, const std::string& target,
                           const std::string& body, const std::string& token,
                           std::vector<std::pair<std::string, std::string>> headers = {});

  // Creates a product with one variant per SKU (price 1000) and returns the response.
  testing::HttpResult create_product(const std::string& title, std::vector<std::string> skus);
  // Receives qty of sku from SUPPLIER into location.
  testing::HttpResult receive(const std::string& sku, int qty, const std::string& location);
  // Replaces the server by one with this many I/O threads (handlers run on them, so this is
  // how many requests the database sees at once) on the same database; client_ follows.
  void restart_server(int threads);

  std::unique_ptr<testing::TestDb> tdb_;
  std::unique_ptr<app::Runtime> rt_;
  std::unique_ptr<api::HttpServer> server_;
  std::unique_ptr<testing::HttpClient> client_;
  std::string admin_;
};

using testing::json_at;

// A valid order body (customer, shipping address, shipping 500) with these lines and any
// extra members (",\"channel\":\"pos\"").
std::string order_body(const std::string& lines, const std::string& extra = "");
// One order line: {"sku":...,"qty":...}.
std::string line(const std::string& sku, int qty);

}  // namespace fondaco::apitest
