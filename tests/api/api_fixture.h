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

  std::unique_ptr<testing::TestDb> tdb_;
  std::unique_ptr<app::Runtime> rt_;
  std::unique_ptr<api::HttpServer> server_;
  std::unique_ptr<testing::HttpClient> client_;
  std::string admin_;
};

// Extracts a top-level or nested value with a tiny JSON path ("a.b[0].c") for assertions.
std::string json_at(const std::string& body, const std::string& path);

}  // namespace fondaco::apitest
