#include "cli/exhaustive_cli.h"

#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <stdexcept>

#include <fmt/format.h>

#include "accuracy/exhaustive.h"
#include "accuracy/fast_reference.h"

namespace actbench::cli {
namespace {

uint64_t ParseUint(const std::string& what, const std::string& s, uint64_t max) {
  const bool hex = s.size() > 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X');
  const std::string digits = hex ? s.substr(2) : s;
  if (digits.empty() || digits.size() > 16) throw std::invalid_argument(fmt::format("{} '{}': not a number", what, s));
  uint64_t v = 0;
  for (char c : digits) {
    int d;
    if (c >= '0' && c <= '9') d = c - '0';
    else if (hex && c >= 'a' && c <= 'f') d = c - 'a' + 10;
    else if (hex && c >= 'A' && c <= 'F') d = c - 'A' + 10;
    else throw std::invalid_argument(fmt::format("{} '{}': not a {} number", what, s, hex ? "hex" : "decimal"));
    v = v * (hex ? 16 : 10) + static_cast<uint64_t>(d);
    if (v > max) throw std::invalid_argument(fmt::format("{} '{}': above {}", what, s, max));
  }
  return v;
}

std::string Duration(double s) {
  if (!(s >= 0) || s > 1e7) return "?";
  const long t = static_cast<long>(s + 0.5);
  return t >= 3600 ? fmt::format("{}h{:02}m", t / 3600, t / 60 % 60) : fmt::format("{}m{:02}s", t / 60, t % 60);
}

}  // namespace

bool ResolveExhaustiveRange(const ExhaustiveCli& o, BitRange* out) {
  if (!o.enabled && (!o.range.empty() || !o.shard.empty() || o.threads))
    throw std::invalid_argument("--range, --shard and --threads need --exhaustive");
  BitRange r{0, 0xffffffffu};
  if (!o.range.empty()) {
    if (o.range.size() != 2) throw std::invalid_argument("--range takes two bit patterns, LO HI");
    r.lo = static_cast<uint32_t>(ParseUint("--range LO", o.range[0], 0xffffffffu));
    r.hi = static_cast<uint32_t>(ParseUint("--range HI", o.range[1], 0xffffffffu));
    if (r.lo > r.hi) throw std::invalid_argument(fmt::format("--range {} {}: LO is above HI", o.range[0], o.range[1]));
  }
  if (!o.shard.empty()) {
    const size_t slash = o.shard.find('/');
    if (slash == std::string::npos) throw std::invalid_argument(fmt::format("--shard '{}': expected I/N, e.g. 1/4", o.shard));
    const uint64_t i = ParseUint("--shard I", o.shard.substr(0, slash), 0xffffffffu);
    const uint64_t n = ParseUint("--shard N", o.shard.substr(slash + 1), 0xffffffffu);
    if (n == 0 || i == 0 || i > n)
      throw std::invalid_argument(fmt::format("--shard {}: expected 1 <= I <= N", o.shard));
    BitRange s;
    if (!ShardRange(r.lo, r.hi, i, n, &s)) return false;
    r = s;
  }
  *out = r;
  return true;
}

void RunExhaustiveAccuracy(Report& report, const std::vector<VariantTarget>& rows, const ExhaustiveCli& o,
                           std::atomic<bool>* stop) {
  BitRange range;
  const bool any = ResolveExhaustiveRange(o, &range);
  ExhaustiveOptions opt;
  opt.threads = o.threads;
  ExhaustiveResult res;
  if (any) {
    opt.lo = range.lo;
    opt.hi = range.hi;
    opt.stop = stop;
    const bool tty = ::isatty(STDERR_FILENO);
    const auto start = std::chrono::steady_clock::now();
    if (tty) {
      opt.progress = [&](uint64_t done, uint64_t total) {
        const double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
        const double rate = s > 0 ? done / s : 0;
        const double frac = total ? static_cast<double>(done) / total : 1;
        const int w = 30, fill = static_cast<int>(frac * w);
        std::fprintf(stderr, "\r[%s%s] %5.1f%% %7.1f M inputs/s  ETA %s%s   ", std::string(fill, '#').c_str(),
                     std::string(w - fill, ' ').c_str(), 100 * frac, rate / 1e6,
                     Duration(rate > 0 ? (total - done) / rate : -1).c_str(),
                     stop && stop->load() ? "  stopping (Ctrl-C again to quit now)" : "");
        std::fflush(stderr);
      };
    }
    res = RunExhaustive(rows, opt);
    if (tty) std::fprintf(stderr, "\n");
    if (res.interrupted)
      std::fprintf(stderr, "actbench: interrupted: %llu of %llu inputs covered; the report says which\n",
                   static_cast<unsigned long long>(res.inputs),
                   static_cast<unsigned long long>(uint64_t(range.hi) - range.lo + 1));
  } else {
    // An empty shard (more shards than patterns): rows with nothing covered.
  }
  for (size_t k = 0; k < rows.size() && k < report.rows.size(); ++k) {
    if (k < res.rows.size()) {
      report.rows[k].accuracy = res.rows[k];
    } else {
      AccuracyResult empty;
      empty.error.against = GetActivation(rows[k].variant->computes).name;
      empty.error.histogram.assign(ErrorStats::kHistogramBins, 0);
      report.rows[k].accuracy = empty;
    }
  }
  nlohmann::json cov = nlohmann::json::array();
  for (const BitRange& b : res.coverage)
    cov.push_back({{"lo", fmt::format("0x{:08x}", b.lo)}, {"hi", fmt::format("0x{:08x}", b.hi)}});
  nlohmann::json fb = nlohmann::json::object();
  for (const auto& [a, n] : res.reference_inputs) {
    const char* lanes = ReferenceLanesTarget(a);
    fb[GetActivation(a).name] = {{"inputs", n},
                                 {"fallbacks", res.reference_fallbacks[a]},
                                 {"simd", lanes ? nlohmann::json(lanes) : nlohmann::json(nullptr)}};
  }
  // Where the CPU time went (summed over threads; wall time is "seconds").
  nlohmann::json ref_s = nlohmann::json::object();
  for (const auto& [a, v] : res.reference_seconds) ref_s[GetActivation(a).name] = v;
  nlohmann::json row_s = nlohmann::json::array();
  for (size_t k = 0; k < res.row_kernel_seconds.size() && k < report.rows.size(); ++k)
    row_s.push_back({{"row", report.rows[k].label()},
                     {"kernel", res.row_kernel_seconds[k]},
                     {"scoring", res.row_score_seconds[k]},
                     {"shared_chunks", res.row_shared_chunks[k]},
                     {"rounded_chunks", res.row_rounded_chunks[k]}});
  report.config["exhaustive"] = {
      {"range", {{"lo", fmt::format("0x{:08x}", any ? range.lo : 0)}, {"hi", fmt::format("0x{:08x}", any ? range.hi : 0)}}},
      {"shard", o.shard.empty() ? nlohmann::json(nullptr) : nlohmann::json(o.shard)},
      {"chunk", 1u << kExhaustiveChunkBits},
      {"threads", o.threads},
      {"coverage", cov},
      {"inputs", res.inputs},
      {"interrupted", res.interrupted},
      {"reference", fb},
      {"seconds", res.seconds},
      {"cpu_seconds", {{"reference", ref_s}, {"rows", row_s}}},
  };
}

std::string ExhaustiveMarkdown(const Report& report) {
  std::string md = "\n## Exhaustive sweep\n\n";
  const nlohmann::json& ex = report.config.value("exhaustive", nlohmann::json::object());
  if (ex.contains("coverage")) {
    md += fmt::format("Inputs covered: {}", ex.value("inputs", 0ull));
    if (ex.value("interrupted", false)) md += " (interrupted: only these ranges finished)";
    md += "; bit-pattern ranges:";
    for (const auto& c : ex["coverage"]) md += fmt::format(" [{}, {}]", c["lo"].get<std::string>(), c["hi"].get<std::string>());
    md += "\n\n| reference | double path | inputs | multiprecision fallbacks |\n|---|---|--:|--:|\n";
    for (const auto& [name, v] : ex["reference"].items()) {
      const bool lanes = v.contains("simd") && v["simd"].is_string();
      md += fmt::format("| {} | {} | {} | {} |\n", name, lanes ? "SIMD (" + v["simd"].get<std::string>() + ")" : "scalar",
                        v["inputs"].get<uint64_t>(), v["fallbacks"].get<uint64_t>());
    }
  }
  if (ex.contains("cpu_seconds") && ex["cpu_seconds"].is_object()) {
    const nlohmann::json& cpu = ex["cpu_seconds"];
    double ref = 0, kern = 0, score = 0;
    uint64_t shared = 0, rounded = 0, row_chunks = 0;
    const nlohmann::json refs = cpu.value("reference", nlohmann::json::object());
    const nlohmann::json rows = cpu.value("rows", nlohmann::json::array());
    for (const auto& [name, v] : refs.items()) ref += v.get<double>();
    const uint64_t chunks = (ex.value("inputs", 0ull) + (1u << kExhaustiveChunkBits) - 1) >> kExhaustiveChunkBits;
    for (const auto& r : rows) {
      kern += r.value("kernel", 0.0);
      score += r.value("scoring", 0.0);
      shared += r.value("shared_chunks", 0ull);
      rounded += r.value("rounded_chunks", 0ull);
      row_chunks += chunks;
    }
    md += fmt::format(
        "\nCPU time (all threads; wall {:.3g} s): reference {:.3g} s, kernels {:.3g} s, scoring {:.3g} s; "
        "of about {} row-chunks, {} reused the score of another target's identical outputs and {} that of "
        "the correctly rounded reference.\n",
        ex.value("seconds", 0.0), ref, kern, score, row_chunks, shared, rounded);
  }
  return md;
}

}  // namespace actbench::cli
