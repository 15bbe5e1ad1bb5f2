#include "fondaco/platform/metrics.h"

#include <gtest/gtest.h>

namespace fondaco::metrics {
namespace {

TEST(Metrics, RendersPrometheusText) {
  Registry r;
  r.counter("x_total", "Things", "k=\"v\"").inc(3);
  auto& h = r.histogram("lat_seconds", "Latency", "route=\"/a\"");
  h.observe_micros(200);     // 0.2 ms
  h.observe_micros(30'000);  // 30 ms
  r.gauge("g", "A gauge", [] { return 7.0; });
  const std::string text = r.render();
  EXPECT_NE(text.find("# TYPE x_total counter\nx_total{k=\"v\"} 3\n"), std::string::npos) << text;
  EXPECT_NE(text.find("lat_seconds_bucket{route=\"/a\",le=\"0.00025\"} 1\n"), std::string::npos)
      << text;
  EXPECT_NE(text.find("lat_seconds_bucket{route=\"/a\",le=\"0.05\"} 2\n"), std::string::npos);
  EXPECT_NE(text.find("lat_seconds_bucket{route=\"/a\",le=\"+Inf\"} 2\n"), std::string::npos);
  EXPECT_NE(text.find("lat_seconds_count{route=\"/a\"} 2\n"), std::string::npos);
  EXPECT_NE(text.find("# TYPE g gauge\ng 7\n"), std::string::npos);
}

TEST(Metrics, SameNameAndLabelsIsTheSameCounter) {
  Registry r;
  r.counter("c", "help", "a=\"1\"").inc();
  r.counter("c", "help", "a=\"1\"").inc();
  EXPECT_EQ(r.counter("c", "help", "a=\"1\"").value(), 2u);
  EXPECT_EQ(escape_label("a\"b\\c\nd"), "a\\\"b\\\\c\\nd");
}

}  // namespace
}  // namespace fondaco::metrics
