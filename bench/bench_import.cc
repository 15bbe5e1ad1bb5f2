// Import of a generated Shopify product CSV (docs/BENCHMARKS.md, "Product CSV import").
// Generates PRODUCTS x 5 variants (older 2019-style headers, sizes as options, a second
// image row per product) into a temporary file, imports it into a fresh database through
// the same path as `fondaco import products`, and prints the time, the rate and the peak
// RSS. Run it for 10k and 100k variants to see that memory does not grow with the file.
//   bench_import --variants 100000 [--db sqlite:/tmp/x.db | postgresql://...]
#include <sys/resource.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <iostream>
#include <string>

#include "app.h"
#include "fondaco/shopify/product_csv.h"
#include "fondaco/workflows/product_import.h"

namespace {

using namespace fondaco;

long peak_rss_kb() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  return u.ru_maxrss;
}

// Writes the file in pieces: the generator itself never holds it.
void generate(const std::string& path, int products) {
  std::FILE* f = std::fopen(path.c_str(), "wb");
  std::string out =
      "Handle,Title,Body (HTML),Vendor,Type,Tags,Published,Option1 Name,Option1 Value,"
      "Variant SKU,Variant Grams,Variant Inventory Qty,Variant Price,Variant Compare At Price,"
      "Variant Barcode,Image Src\n";
  const char* sizes[] = {"XS", "S", "M", "L", "XL"};
  for (int p = 0; p < products; ++p) {
    const std::string h = "product-" + std::to_string(p);
    for (int v = 0; v < 5; ++v) {
      out += h + ",";
      if (v == 0)
        out +=
            "Product " + std::to_string(p) + ",\"<p>Cotton, soft</p>\",Acme,Shirts,tee,true,Size";
      else
        out += ",,,,,,";
      out += std::string(",") + sizes[v] + "," + h + "-" + sizes[v] + ",180,5," +
             std::to_string(10 + p % 90) + "." + std::to_string(10 + v) + ",,,";
      if (v == 0) out += "https://img.example/" + h + ".jpg";
      out += "\n";
    }
    out += h + ",,,,,,,,,,,,,,,https://img.example/" + h + "-back.jpg\n";
    if (out.size() > (1 << 20)) {
      std::fwrite(out.data(), 1, out.size(), f);
      out.clear();
    }
  }
  std::fwrite(out.data(), 1, out.size(), f);
  std::fclose(f);
}

}  // namespace

int main(int argc, char** argv) {
  int variants = 100000;
  std::string db_url;
  for (int i = 1; i + 1 < argc; i += 2) {
    if (!std::strcmp(argv[i], "--variants"))
      variants = std::atoi(argv[i + 1]);
    else if (!std::strcmp(argv[i], "--db"))
      db_url = argv[i + 1];
  }
  const auto dir =
      std::filesystem::temp_directory_path() / ("fondaco-bench-import-" + std::to_string(getpid()));
  std::filesystem::create_directories(dir);
  if (db_url.empty()) db_url = "sqlite:" + (dir / "bench.db").string();
  const std::string csv = (dir / "products.csv").string();
  generate(csv, variants / 5);
  const long rss_before = peak_rss_kb();

  platform::SystemClock clock;
  auto db = app::open_and_migrate(db_url, clock);
  if (!db) {
    std::cerr << "bench_import: " << db.error().message << "\n";
    return 1;
  }
  events::EventLog log;
  catalog::Catalog catalog(log);
  std::FILE* f = std::fopen(csv.c_str(), "rb");
  shopify::ProductCsvReader reader([f](char* b, std::size_t n) { return std::fread(b, 1, n, f); });
  workflows::ImportOptions options;
  options.now_ms = clock.now_ms();
  const auto t0 = std::chrono::steady_clock::now();
  auto report = workflows::import_products(**db, catalog, reader, options);
  const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  std::fclose(f);
  if (!report || report->fatal || report->products_refused > 0) {
    std::cerr << "bench_import: "
              << (report ? workflows::report_json(*report) : report.error().message) << "\n";
    return 1;
  }
  std::printf(
      "import %lld variants (%lld products, %.1f MB file): %.2f s, %.0f variants/s, "
      "peak RSS %ld MB (before import %ld MB)\n",
      static_cast<long long>(report->variants_created),
      static_cast<long long>(report->products_created),
      static_cast<double>(std::filesystem::file_size(csv)) / 1e6, secs,
      static_cast<double>(report->variants_created) / secs, peak_rss_kb() / 1024,
      rss_before / 1024);
  std::filesystem::remove_all(dir);
  return 0;
}
