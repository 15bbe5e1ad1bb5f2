// `fondaco import products` and `fondaco export products`: product CSV files through the
// command line. The file is read in chunks by the format's reader, so a file of any size
// is imported in constant memory; on a terminal a progress bar shows bytes and rows/s.
#include <sys/stat.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <iostream>
#include <memory>

#include "app.h"
#include "fondaco/shopify/product_csv.h"
#include "fondaco/woocommerce/product_csv.h"
#include "fondaco/workflows/product_import.h"

namespace fondaco::app {
namespace {

int fail_with(const Error& e) {
  std::cerr << "fondaco: " << e.message << (e.field.empty() ? "" : " (" + e.field + ")") << "\n";
  return 1;
}

using File = std::unique_ptr<std::FILE, int (*)(std::FILE*)>;

std::unique_ptr<product_file::ProductSource> make_source(const std::string& format,
                                                         csv::Reader::Source source) {
  if (format == "woocommerce")
    return std::make_unique<woocommerce::ProductCsvReader>(std::move(source));
  return std::make_unique<shopify::ProductCsvReader>(std::move(source));
}

// "[#####.....]  48%  12.3/25.6 MB  41234 rows/s", redrawn in place on stderr.
class ProgressBar {
 public:
  explicit ProgressBar(std::int64_t total_bytes)
      : total_(total_bytes), start_(std::chrono::steady_clock::now()) {}
  void draw(std::int64_t bytes, std::int64_t rows) {
    const double secs =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
    const int pct = total_ > 0 ? static_cast<int>(bytes * 100 / total_) : 100;
    std::string bar(30, '.');
    std::fill(bar.begin(), bar.begin() + pct * 30 / 100, '#');
    std::fprintf(stderr, "\r[%s] %3d%%  %.1f/%.1f MB  %.0f rows/s ", bar.c_str(), pct,
                 static_cast<double>(bytes) / 1e6, static_cast<double>(total_) / 1e6,
                 secs > 0 ? static_cast<double>(rows) / secs : 0.0);
    std::fflush(stderr);
  }
  void done() { std::fputc('\n', stderr); }

 private:
  std::int64_t total_;
  std::chrono::steady_clock::time_point start_;
};

workflows::ImportOptions import_options(const ImportProductsOptions& o, Runtime& rt) {
  workflows::ImportOptions out;
  out.price_list = o.price_list;
  if (!o.compare_at_price_list.empty()) out.compare_at_price_list = o.compare_at_price_list;
  out.now_ms = rt.clock.now_ms();
  return out;
}

}  // namespace

int run_import_products(const Config& config, const ImportProductsOptions& options) {
  File file(std::fopen(options.file.c_str(), "rb"), &std::fclose);
  if (!file)
    return fail_with(
        make_error(ErrorCode::invalid_argument, "cannot open " + options.file, "FILE"));
  struct stat st {};
  const std::int64_t size = fstat(fileno(file.get()), &st) == 0 ? st.st_size : 0;
  auto rt = make_runtime(config.db_url);
  if (!rt) return fail_with(rt.error());
  auto source = make_source(options.format, [f = file.get()](char* buf, std::size_t cap) {
    return std::fread(buf, 1, cap, f);
  });
  auto o = import_options(options, **rt);
  std::unique_ptr<ProgressBar> bar;
  if (isatty(STDERR_FILENO)) {
    bar = std::make_unique<ProgressBar>(size);
    o.progress = [&](std::int64_t bytes, std::int64_t rows) { bar->draw(bytes, rows); };
  }
  auto report = workflows::import_products(*(*rt)->db, *(*rt)->catalog, *source, o);
  if (bar) {
    bar->draw(source->bytes_read(), source->rows_read());
    bar->done();
  }
  if (!report) return fail_with(report.error());
  std::cout << workflows::report_json(*report) << "\n";
  if (report->fatal) return fail_with(*report->fatal);
  return report->products_refused > 0 ? 2 : 0;
}

int run_export_products(const Config& config, const ImportProductsOptions& options) {
  auto rt = make_runtime(config.db_url);
  if (!rt) return fail_with(rt.error());
  const bool woo = options.format == "woocommerce";
  std::string out = woo ? woocommerce::product_csv_header() : shopify::product_csv_header();
  auto done =
      workflows::for_each_product_record(*(*rt)->db, *(*rt)->catalog, import_options(options, **rt),
                                         [&](const product_file::ProductRecord& p) -> Result<void> {
                                           if (woo)
                                             woocommerce::append_product_csv(out, p);
                                           else
                                             shopify::append_product_csv(out, p);
                                           if (out.size() > 64 * 1024) {
                                             std::cout << out;
                                             out.clear();
                                           }
                                           return ok();
                                         });
  std::cout << out << std::flush;
  if (!done) return fail_with(done.error());
  return 0;
}

}  // namespace fondaco::app
