// The live service's metrics in the Prometheus text format (version 0.0.4):
// counters, gauges and histograms keyed by name and labels, kept in ordered maps
// so /metrics lists them stably. Adapters report their outside calls here
// (kOutsideCall); the service counts commands, transitions and HTTP answers.
// Single-threaded: everything runs on the service's io_context.
#pragma once
#include <map>
#include <string>
#include <utility>
#include <vector>

namespace clsim::live {

using Labels = std::vector<std::pair<std::string, std::string>>;

// Latency of one call to an outside service, in seconds; labels `service`
// (x, ledger, redis), `call` (e.g. "POST /2/tweets", "XADD") and `result`
// (the HTTP status, the ledger status, ok or error).
inline constexpr const char* kOutsideCall = "clsim_outside_call_seconds";

class Metrics {
 public:
  Metrics();
  Metrics(const Metrics&) = delete;
  Metrics& operator=(const Metrics&) = delete;

  // HELP and TYPE lines of a family (type: counter, gauge or histogram).
  void describe(const std::string& name, const std::string& type, const std::string& help);
  void add(const std::string& name, Labels labels = {}, double by = 1);
  void set(const std::string& name, Labels labels, double value);
  // One observation of a histogram with the default latency buckets (1 ms .. 30 s).
  void observe(const std::string& name, Labels labels, double seconds);

  double value(const std::string& name, const Labels& labels = {}) const;  // counters and gauges
  std::string text() const;  // the whole exposition

 private:
  struct Histogram {
    std::vector<double> counts;  // cumulative per bucket, as exposed
    double sum = 0;
    double count = 0;
  };
  struct Family {
    std::string type = "untyped", help;
    std::map<Labels, double> values;
    std::map<Labels, Histogram> histograms;
  };
  Family& family(const std::string& name);

  std::vector<double> buckets_;
  std::map<std::string, Family> families_;
};

// `name{k="v",...}` with label values escaped as the format asks.
std::string series_name(const std::string& name, const Labels& labels);

}  // namespace clsim::live
