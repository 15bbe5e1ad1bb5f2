#include "fondaco/api/static_files.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <fstream>

namespace fondaco::api {
namespace {

namespace fs = std::filesystem;

void write(const fs::path& p, std::string_view body) {
  fs::create_directories(p.parent_path());
  std::ofstream(p, std::ios::binary) << body;
}

std::string header(const Response& r, std::string_view name) {
  for (const auto& h : r.headers)
    if (h.name == name) return h.value;
  return {};
}

class StaticFilesTest : public ::testing::Test {
 protected:
  void SetUp() override {
    base_ = fs::temp_directory_path() /
            ("fondaco-static-" + std::to_string(::getpid()) + "-" +
             ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(base_);
    root_ = base_ / "dist";
    write(root_ / "index.html", "<!doctype html><title>console</title>");
    write(root_ / "assets" / "index-3f9a1c.js", "console.log(1)");
    write(root_ / "assets" / "index-3f9a1c.js.gz", "GZIPPED");
    write(root_ / "assets" / "index-3f9a1c.css", "body{}");
    write(root_ / "favicon.svg", "<svg/>");
    write(root_ / ".env", "SECRET=1");
    write(base_ / "secret.txt", "outside the root");
    fs::create_symlink(base_ / "secret.txt", root_ / "leak.txt");
    handler_ = make_static_handler({root_, "/admin"});
  }
  void TearDown() override { fs::remove_all(base_); }

  Response get(std::string target, std::vector<Header> headers = {}) {
    Request req;
    req.method = "GET";
    req.target = std::move(target);
    req.headers = std::move(headers);
    return handler_(req);
  }

  fs::path base_, root_;
  Handler handler_;
};

TEST_F(StaticFilesTest, ServesFilesWithTheirTypeAndSecurityHeaders) {
  auto js = get("/admin/assets/index-3f9a1c.js");
  EXPECT_EQ(js.status, 200);
  EXPECT_EQ(js.body, "console.log(1)");
  EXPECT_EQ(header(js, "Content-Type"), "text/javascript; charset=utf-8");
  EXPECT_EQ(header(js, "X-Content-Type-Options"), "nosniff");
  EXPECT_NE(header(js, "Content-Security-Policy").find("frame-ancestors 'none'"),
            std::string::npos);
  EXPECT_EQ(header(js, "Content-Security-Policy").find("unsafe-inline"), std::string::npos);
  EXPECT_FALSE(header(js, "Referrer-Policy").empty());
  EXPECT_EQ(header(get("/admin/assets/index-3f9a1c.css"), "Content-Type"),
            "text/css; charset=utf-8");
  EXPECT_EQ(header(get("/admin/favicon.svg"), "Content-Type"), "image/svg+xml");
  EXPECT_EQ(content_type_for("x.unknown"), "application/octet-stream");
}

TEST_F(StaticFilesTest, HashedAssetsAreImmutableAndIndexIsRevalidated) {
  auto js = get("/admin/assets/index-3f9a1c.js");
  EXPECT_NE(header(js, "Cache-Control").find("immutable"), std::string::npos);
  auto index = get("/admin/");
  EXPECT_EQ(index.status, 200);
  EXPECT_EQ(header(index, "Cache-Control"), "no-cache");
  EXPECT_EQ(header(index, "Content-Type"), "text/html; charset=utf-8");
  const auto etag = header(index, "ETag");
  ASSERT_FALSE(etag.empty());
  auto again = get("/admin/", {{"If-None-Match", etag}});
  EXPECT_EQ(again.status, 304);
  EXPECT_TRUE(again.body.empty());
  EXPECT_EQ(get("/admin/", {{"If-None-Match", "\"other\""}}).status, 200);
}

TEST_F(StaticFilesTest, UnknownAppPathsFallBackToIndexButMissingFilesAre404) {
  auto deep = get("/admin/orders/42?tab=lines");
  EXPECT_EQ(deep.status, 200);
  EXPECT_EQ(deep.body, "<!doctype html><title>console</title>");
  EXPECT_EQ(header(deep, "Cache-Control"), "no-cache");
  EXPECT_EQ(get("/admin/assets/missing-123.js").status, 404);
  auto bare = get("/admin");
  EXPECT_EQ(bare.status, 308);
  EXPECT_EQ(header(bare, "Location"), "/admin/");
}

TEST_F(StaticFilesTest, RefusesTraversalDotFilesAndSymlinksOutOfTheRoot) {
  for (const char* t :
       {"/admin/../secret.txt", "/admin/%2e%2e/secret.txt", "/admin/assets/../../secret.txt",
        "/admin/.env", "/admin/%2E%2E%2Fsecret.txt", "/admin/assets%2F..%2F..%2Fsecret.txt",
        "/admin/..%5csecret.txt", "/admin/leak.txt", "/admin/a%00.js", "/admin//etc/passwd"}) {
    auto r = get(t);
    EXPECT_EQ(r.status, 404) << t;
    EXPECT_EQ(r.body.find("outside the root"), std::string::npos) << t;
    EXPECT_EQ(r.body.find("SECRET"), std::string::npos) << t;
  }
}

TEST_F(StaticFilesTest, ServesThePrecompressedFileOnlyToClientsThatAcceptGzip) {
  auto gz = get("/admin/assets/index-3f9a1c.js", {{"Accept-Encoding", "gzip, deflate, br"}});
  EXPECT_EQ(gz.body, "GZIPPED");
  EXPECT_EQ(header(gz, "Content-Encoding"), "gzip");
  EXPECT_EQ(header(gz, "Content-Type"), "text/javascript; charset=utf-8");
  auto plain = get("/admin/assets/index-3f9a1c.js");
  EXPECT_EQ(plain.body, "console.log(1)");
  EXPECT_TRUE(header(plain, "Content-Encoding").empty());
  EXPECT_NE(header(gz, "ETag"), header(plain, "ETag"));
}

TEST_F(StaticFilesTest, OnlyGetAndHead) {
  Request req;
  req.method = "POST";
  req.target = "/admin/";
  EXPECT_EQ(handler_(req).status, 405);
  req.method = "HEAD";
  auto head = handler_(req);
  EXPECT_EQ(head.status, 200);
  EXPECT_TRUE(head.body.empty());
}

TEST_F(StaticFilesTest, TheWebHandlerSplitsConsoleFromApi) {
  int api_calls = 0;
  Handler web = make_web_handler({root_, "/admin"}, [&](const Request&) {
    ++api_calls;
    Response r;
    r.status = 299;
    return r;
  });
  Request req;
  req.method = "GET";
  req.target = "/admin/orders";
  EXPECT_EQ(web(req).status, 200);
  req.target = "/administrator";
  EXPECT_EQ(web(req).status, 299);
  req.target = "/api/v1/products";
  EXPECT_EQ(web(req).status, 299);
  req.target = "/";
  auto root = web(req);
  EXPECT_EQ(root.status, 302);
  EXPECT_EQ(header(root, "Location"), "/admin/");
  EXPECT_EQ(api_calls, 2);
}

TEST_F(StaticFilesTest, AnUnbuiltConsoleSaysSo) {
  Handler h = make_static_handler({base_ / "nowhere", "/admin"});
  Request req;
  req.method = "GET";
  req.target = "/admin/";
  auto r = h(req);
  EXPECT_EQ(r.status, 404);
  EXPECT_NE(r.body.find("not built"), std::string::npos);
}

}  // namespace
}  // namespace fondaco::api
