#include "fondaco/platform/metrics.h"

#include <cstdio>

namespace fondaco::metrics {

void Histogram::observe_micros(std::int64_t micros) {
  const double s = static_cast<double>(micros) / 1e6;
  for (std::size_t i = 0; i < kBoundsSeconds.size(); ++i) {
    if (s <= kBoundsSeconds[i]) {
      buckets_[i].fetch_add(1, std::memory_order_relaxed);
      break;
    }
  }
  count_.fetch_add(1, std::memory_order_relaxed);
  sum_micros_.fetch_add(micros, std::memory_order_relaxed);
}

namespace {
std::string fmt_double(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.6g", v);
  return buf;
}
std::string join_labels(std::string_view labels, std::string_view extra) {
  if (labels.empty()) return std::string(extra);
  if (extra.empty()) return std::string(labels);
  return std::string(labels) + "," + std::string(extra);
}
void line(std::string& out, std::string_view name, std::string_view labels, std::string_view v) {
  out += name;
  if (!labels.empty()) {
    out += '{';
    out += labels;
    out += '}';
  }
  out += ' ';
  out += v;
  out += '\n';
}
}  // namespace

void Histogram::render(std::string& out, std::string_view name, std::string_view labels) const {
  std::uint64_t cumulative = 0;
  const std::string bucket = std::string(name) + "_bucket";
  for (std::size_t i = 0; i < kBoundsSeconds.size(); ++i) {
    cumulative += buckets_[i].load(std::memory_order_relaxed);
    line(out, bucket, join_labels(labels, "le=\"" + fmt_double(kBoundsSeconds[i]) + "\""),
         std::to_string(cumulative));
  }
  const auto total = count_.load(std::memory_order_relaxed);
  line(out, bucket, join_labels(labels, "le=\"+Inf\""), std::to_string(total));
  line(out, std::string(name) + "_sum", labels,
       fmt_double(static_cast<double>(sum_micros_.load(std::memory_order_relaxed)) / 1e6));
  line(out, std::string(name) + "_count", labels, std::to_string(total));
}

Counter& Registry::counter(std::string_view name, std::string_view help,
                           std::string_view labels) {
  std::lock_guard lock(mu_);
  auto [it, fresh] = families_.try_emplace(std::string(name));
  if (fresh) {
    it->second.help = help;
    it->second.type = "counter";
  }
  auto& slot = it->second.counters[std::string(labels)];
  if (!slot) slot = std::make_unique<Counter>();
  return *slot;
}

Histogram& Registry::histogram(std::string_view name, std::string_view help,
                               std::string_view labels) {
  std::lock_guard lock(mu_);
  auto [it, fresh] = families_.try_emplace(std::string(name));
  if (fresh) {
    it->second.help = help;
    it->second.type = "histogram";
  }
  auto& slot = it->second.histograms[std::string(labels)];
  if (!slot) slot = std::make_unique<Histogram>();
  return *slot;
}

void Registry::gauge(std::string_view name, std::string_view help, std::function<double()> read) {
  std::lock_guard lock(mu_);
  auto& f = families_[std::string(name)];
  f.help = help;
  f.type = "gauge";
  f.gauge = std::move(read);
}

std::string Registry::render() const {
  std::lock_guard lock(mu_);
  std::string out;
  for (const auto& [name, f] : families_) {
    out += "# HELP " + name + " " + f.help + "\n# TYPE " + name + " " + f.type + "\n";
    for (const auto& [labels, c] : f.counters) line(out, name, labels, std::to_string(c->value()));
    for (const auto& [labels, h] : f.histograms) h->render(out, name, labels);
    if (f.gauge) line(out, name, "", fmt_double(f.gauge()));
  }
  return out;
}

Registry& global() {
  static Registry registry;
  return registry;
}

std::string escape_label(std::string_view v) {
  std::string out;
  for (char c : v) {
    if (c == '\\' || c == '"') out += '\\';
    if (c == '\n') {
      out += "\\n";
      continue;
    }
    out += c;
  }
  return out;
}

}  // namespace fondaco::metrics
