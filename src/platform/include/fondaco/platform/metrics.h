// Prometheus-style metrics: counters, histograms and callback gauges registered once and
// rendered in the Prometheus text exposition format (version 0.0.4) by /metrics.
//
// Registration takes a lock and returns a reference that stays valid for the life of the
// registry; updating a metric is lock-free (atomics), so hot paths keep the reference.
// Thread-safety: everything here is safe from any thread.
#pragma once

#include <array>
#include <atomic>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

namespace fondaco::metrics {

class Counter {
 public:
  void inc(std::uint64_t n = 1) { value_.fetch_add(n, std::memory_order_relaxed); }
  std::uint64_t value() const { return value_.load(std::memory_order_relaxed); }

 private:
  std::atomic<std::uint64_t> value_{0};
};

// Latency histogram with fixed bucket bounds in seconds (0.1 ms .. 10 s).
class Histogram {
 public:
  static constexpr std::array<double, 14> kBoundsSeconds = {
      0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1, 2.5, 10};
  void observe_micros(std::int64_t micros);
  std::uint64_t count() const { return count_.load(std::memory_order_relaxed); }
  // Appends "name_bucket{labels,le=..} n" lines etc.
  void render(std::string& out, std::string_view name, std::string_view labels) const;

 private:
  std::array<std::atomic<std::uint64_t>, kBoundsSeconds.size()> buckets_{};
  std::atomic<std::uint64_t> count_{0};
  std::atomic<std::int64_t> sum_micros_{0};
};

class Registry {
 public:
  // labels: rendered label set without braces, e.g. R"(route="/x",method="GET")" or "".
  Counter& counter(std::string_view name, std::string_view help, std::string_view labels = {});
  Histogram& histogram(std::string_view name, std::string_view help,
                       std::string_view labels = {});
  // A gauge whose value is read when rendering (e.g. open connections, events pending).
  void gauge(std::string_view name, std::string_view help, std::function<double()> read);

  std::string render() const;

 private:
  struct Family {
    std::string help;
    std::string type;
    std::map<std::string, std::unique_ptr<Counter>> counters;
    std::map<std::string, std::unique_ptr<Histogram>> histograms;
    std::function<double()> gauge;
  };
  mutable std::mutex mu_;
  std::map<std::string, Family, std::less<>> families_;
};

// The process-wide registry. Libraries record into it; /metrics renders it.
Registry& global();

// Escapes a label value (backslash, quote, newline).
std::string escape_label(std::string_view v);

}  // namespace fondaco::metrics
