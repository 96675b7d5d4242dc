#include "engine/adapters/live/metrics.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>

namespace clsim::live {

namespace {

std::string escape(const std::string& v) {
  std::string out;
  for (char c : v) {
    if (c == '\\') out += "\\\\";
    else if (c == '"') out += "\\\"";
    else if (c == '\n') out += "\\n";
    else out += c;
  }
  return out;
}

std::string number(double v) {
  if (std::isinf(v)) return v > 0 ? "+Inf" : "-Inf";
  if (v == std::floor(v) && std::fabs(v) < 1e15) return std::to_string(static_cast<long long>(v));
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.6g", v);
  return buf;
}

Labels sorted(Labels labels) {
  std::sort(labels.begin(), labels.end());
  return labels;
}

}  // namespace

std::string series_name(const std::string& name, const Labels& labels) {
  if (labels.empty()) return name;
  std::string out = name + "{";
  for (std::size_t i = 0; i < labels.size(); ++i) {
    if (i) out += ",";
    out += labels[i].first + "=\"" + escape(labels[i].second) + "\"";
  }
  return out + "}";
}

Metrics::Metrics() : buckets_{0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30} {}

Metrics::Family& Metrics::family(const std::string& name) { return families_[name]; }

void Metrics::describe(const std::string& name, const std::string& type, const std::string& help) {
  auto& f = family(name);
  f.type = type;
  f.help = help;
}

void Metrics::add(const std::string& name, Labels labels, double by) { family(name).values[sorted(std::move(labels))] += by; }

void Metrics::set(const std::string& name, Labels labels, double value) {
  family(name).values[sorted(std::move(labels))] = value;
}

void Metrics::observe(const std::string& name, Labels labels, double seconds) {
  auto& f = family(name);
  if (f.type == "untyped") f.type = "histogram";
  auto& h = f.histograms[sorted(std::move(labels))];
  if (h.counts.empty()) h.counts.assign(buckets_.size(), 0);
  for (std::size_t i = 0; i < buckets_.size(); ++i)
    if (seconds <= buckets_[i]) h.counts[i] += 1;
  h.sum += seconds;
  h.count += 1;
}

double Metrics::value(const std::string& name, const Labels& labels) const {
  const auto f = families_.find(name);
  if (f == families_.end()) return 0;
  const auto v = f->second.values.find(sorted(labels));
  return v == f->second.values.end() ? 0 : v->second;
}

std::string Metrics::text() const {
  std::string out;
  for (const auto& [name, f] : families_) {
    if (f.values.empty() && f.histograms.empty()) continue;
    if (!f.help.empty()) out += "# HELP " + name + " " + f.help + "\n";
    out += "# TYPE " + name + " " + f.type + "\n";
    for (const auto& [labels, v] : f.values) out += series_name(name, labels) + " " + number(v) + "\n";
    for (const auto& [labels, h] : f.histograms) {
      for (std::size_t i = 0; i <= buckets_.size(); ++i) {
        Labels with = labels;
        with.emplace_back("le", i < buckets_.size() ? number(buckets_[i]) : "+Inf");
        const double c = i < buckets_.size() ? h.counts[i] : h.count;
        out += series_name(name + "_bucket", with) + " " + number(c) + "\n";
      }
      out += series_name(name + "_sum", labels) + " " + number(h.sum) + "\n";
      out += series_name(name + "_count", labels) + " " + number(h.count) + "\n";
    }
  }
  return out;
}

}  // namespace clsim::live
