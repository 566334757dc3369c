// The report model as JSON: writer, validating reader, and file I/O.
//
// Conventions (docs/report-schema.md is the reference):
// - Doubles are JSON numbers, except non-finite ones, which JSON cannot hold:
//   they are the strings "inf", "-inf" and "nan".
// - Floats of a worst input are written three times: as a decimal number (for
//   humans and plotting), as an exact hex-float string, and as their bit
//   pattern. The reader takes the bit pattern, so they round-trip bit-exactly.
// - The reader never trusts the document: every field is checked for presence
//   and type, and an error names the field's path in one line.
#include "reports/report.h"

#include "accuracy/error_stats.h"
#include "accuracy/ulp.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cctype>
#include <cerrno>
#include <cinttypes>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <limits>
#include <sstream>
#include <stdexcept>

#include <fmt/format.h>

namespace actbench {

using nlohmann::json;

namespace {

constexpr const char* kSchemaName = "actbench-report";

// ---------------------------------------------------------------------------
// Writing

json Double(double v) {
  if (std::isnan(v)) return "nan";
  if (std::isinf(v)) return v > 0 ? "inf" : "-inf";
  return v;
}

json DoubleArray(const std::vector<double>& v) {
  json a = json::array();
  for (double d : v) a.push_back(Double(d));
  return a;
}

// Exact hex-float text of a float ("0x1.8p+1"); "inf", "-inf", "nan" otherwise.
std::string HexFloat(float f) {
  if (std::isnan(f)) return "nan";
  if (std::isinf(f)) return f > 0 ? "inf" : "-inf";
  char buf[64];
  std::snprintf(buf, sizeof buf, "%a", static_cast<double>(f));
  return buf;
}

std::string BitsText(float f) { return fmt::format("0x{:08x}", FloatBits(f)); }

void PutFloat(json& o, const char* key, float f) {
  o[key] = Double(f);
  o[std::string(key) + "_hex"] = HexFloat(f);
  o[std::string(key) + "_bits"] = BitsText(f);
}

json ToJson(const WorstInput& w) {
  json o = json::object();
  PutFloat(o, "x", w.x);
  PutFloat(o, "out", w.out);
  PutFloat(o, "expected", w.expected);
  o["ulp"] = Double(w.ulp);
  return o;
}

// Max ULP per input binade: null where the sweep had no input there; the
// whole field null when not computed.
json BinadesJson(const std::vector<double>& v) {
  if (v.empty()) return nullptr;
  json a = json::array();
  for (double d : v) a.push_back(std::isnan(d) ? json(nullptr) : Double(d));
  return {{"exp_lo", kBinadeExpLo}, {"exp_hi", kBinadeExpHi}, {"max_ulp", std::move(a)}};
}

json ToJson(const ErrorStats& e) {
  json worst = json::array();
  for (const WorstInput& w : e.worst) worst.push_back(ToJson(w));
  return {
      {"against", e.against},
      {"count", e.count},
      {"max_ulp", Double(e.max_ulp)},
      {"mean_ulp", Double(e.mean_ulp)},
      {"max_ulp_distance", e.max_ulp_distance},
      {"max_abs_err", Double(e.max_abs_err)},
      {"max_rel_err", Double(e.max_rel_err)},
      {"above_0_5", e.above_0_5},
      {"above_1", e.above_1},
      {"above_2", e.above_2},
      {"above_4", e.above_4},
      {"nan_mismatch", e.nan_mismatch},
      {"inf_mismatch", e.inf_mismatch},
      {"worst", std::move(worst)},
      {"binades", BinadesJson(e.binade_max_ulp)},
  };
}

// Exhaustive-sweep fields (reports/combine.h); written when present.
void PutExhaustiveStats(json& o, const ErrorStats& e) {
  o["finite"] = e.finite;
  o["sum_ulp"] = Double(static_cast<double>(static_cast<long double>(e.sum_ulp_q24) / 0x1p24L));
  o["sum_ulp_q24"] = U128ToString(e.sum_ulp_q24);
  if (!e.histogram.empty()) o["histogram"] = e.histogram;
}

json ToJsonWithSums(const ErrorStats& e) {
  json o = ToJson(e);
  PutExhaustiveStats(o, e);
  return o;
}

json CoverageJson(const std::vector<BitRange>& v) {
  json a = json::array();
  for (const BitRange& b : v)
    a.push_back({{"lo", fmt::format("0x{:08x}", b.lo)}, {"hi", fmt::format("0x{:08x}", b.hi)}});
  return a;
}

json ToJson(const ContractResult& c) {
  return {{"pass", c.pass}, {"failures", c.failures}, {"examples", c.examples}};
}

// promise_held is written only for a row with a promise.
json ToJson(const AccuracyResult& a, bool promised) {
  json also = json::array();
  for (const ErrorStats& e : a.also) also.push_back(ToJsonWithSums(e));
  json o = {
      {"inputs", a.inputs},
      {"error", ToJsonWithSums(a.error)},
      {"also", std::move(also)},
      {"max_ulp_in_domain", Double(a.max_ulp_in_domain)},
      {"promise_held", a.promise_held},
      {"contract", ToJson(a.contract)},
      {"coverage", CoverageJson(a.coverage)},
      {"reference_fallbacks", a.reference_fallbacks},
  };
  if (!promised) o.erase("promise_held");
  if (a.agreement.compared())
    o["bit_identical"] = {{"identical", a.agreement.identical()},
                          {"targets", a.agreement.targets},
                          {"inputs", a.agreement.inputs},
                          {"differing_inputs", a.agreement.differing}};
  return o;
}

json ToJson(const BenchResult& b) {
  return {
      {"label", b.label},
      {"size_label", b.size_label},
      {"n", b.n},
      {"bytes", b.bytes},
      {"iterations", b.iterations},
      {"real_time_ns", Double(b.real_time_ns)},
      {"cpu_time_ns", Double(b.cpu_time_ns)},
      {"elements_per_second", Double(b.elements_per_second)},
      {"bytes_per_second", Double(b.bytes_per_second)},
      {"samples", DoubleArray(b.samples)},
      {"creation_ns", Double(b.creation_ns)},
  };
}

json ToJson(const PromiseInfo& p) {
  if (!p.promised) return {{"promised", false}, {"note", p.note}};
  return {
      {"promised", true},
      {"max_ulp", Double(p.max_ulp)},
      {"domain_lo", Double(p.domain_lo)},
      {"domain_hi", Double(p.domain_hi)},
      {"note", p.note},
  };
}

json ToJson(const ReportRow& r) {
  json bench = json::array();
  for (const BenchResult& b : r.bench) bench.push_back(ToJson(b));
  return {
      {"label", r.label()},
      {"activation", r.activation},
      {"variant", r.variant},
      {"target", r.target},
      {"family", r.family},
      {"peer", r.peer_library.empty() ? json(nullptr)
                                      : json{{"library", r.peer_library}, {"version", r.peer_version}}},
      {"plugin", r.plugin.empty() ? json(nullptr) : json(r.plugin)},
      {"safety", r.safety},
      {"computes", r.computes},
      {"first_input", r.first_input.empty() ? json(nullptr) : json(r.first_input)},
      {"description", r.description},
      {"promise", ToJson(r.promise)},
      {"estimate", r.estimate},
      {"accuracy", r.accuracy ? ToJson(*r.accuracy, r.promise.promised) : json(nullptr)},
      {"bench", std::move(bench)},
  };
}

json ToJson(const ReportRow& r, bool with_machine) {
  json j = ToJson(r);
  if (with_machine) j["machine"] = r.machine;
  return j;
}

// ---------------------------------------------------------------------------
// Reading. A Node is a JSON value together with its path in the document, so
// every error can say where it happened.

[[noreturn]] void Fail(const std::string& path, const std::string& what) {
  throw std::runtime_error(path + ": " + what);
}

const char* TypeName(const json& j) {
  switch (j.type()) {
    case json::value_t::null: return "null";
    case json::value_t::object: return "an object";
    case json::value_t::array: return "an array";
    case json::value_t::string: return "a string";
    case json::value_t::boolean: return "a boolean";
    case json::value_t::number_integer:
    case json::value_t::number_unsigned: return "an integer";
    case json::value_t::number_float: return "a number";
    default: return "an unknown value";
  }
}

// A short one-line rendering of a value for messages.
std::string Shown(const json& j) {
  std::string s = j.dump(-1, ' ', false, json::error_handler_t::replace);
  if (s.size() > 40) s = s.substr(0, 37) + "...";
  return s;
}

class Node {
 public:
  Node(const json& j, std::string path) : j_(j), path_(std::move(path)) {}

  const json& value() const { return j_; }
  const std::string& path() const { return path_; }

  Node Field(const char* key) const {
    if (!j_.is_object()) Fail(path_, std::string("expected an object, found ") + TypeName(j_));
    auto it = j_.find(key);
    if (it == j_.end()) Fail(Join(key), "missing");
    return Node(*it, Join(key));
  }
  bool Has(const char* key) const { return j_.is_object() && j_.contains(key); }

  std::vector<Node> Items() const {
    if (!j_.is_array()) Expected("an array");
    std::vector<Node> out;
    out.reserve(j_.size());
    for (size_t i = 0; i < j_.size(); ++i) out.emplace_back(j_[i], path_ + "[" + std::to_string(i) + "]");
    return out;
  }

  std::string String() const {
    if (!j_.is_string()) Expected("a string");
    return j_.get<std::string>();
  }

  bool Bool() const {
    if (!j_.is_boolean()) Expected("a boolean");
    return j_.get<bool>();
  }

  double Number() const {
    if (j_.is_number()) return j_.get<double>();
    if (j_.is_string()) {
      const std::string& s = j_.get_ref<const std::string&>();
      if (s == "inf" || s == "+inf") return std::numeric_limits<double>::infinity();
      if (s == "-inf") return -std::numeric_limits<double>::infinity();
      if (s == "nan") return std::numeric_limits<double>::quiet_NaN();
      Fail(path_, "expected a number or \"inf\", \"-inf\", \"nan\", found " + Shown(j_));
    }
    Expected("a number");
  }

  size_t Size() const {
    if (j_.is_number_unsigned()) {
      uint64_t v = j_.get<uint64_t>();
      if (v > std::numeric_limits<size_t>::max()) Fail(path_, "value out of range");
      return static_cast<size_t>(v);
    }
    if (j_.is_number_integer()) Fail(path_, "expected a non-negative integer, found " + Shown(j_));
    Expected("a non-negative integer");
  }

  int64_t Int64() const {
    if (j_.is_number_integer() && !j_.is_number_unsigned()) return j_.get<int64_t>();
    if (j_.is_number_unsigned()) {
      uint64_t v = j_.get<uint64_t>();
      if (v > static_cast<uint64_t>(std::numeric_limits<int64_t>::max())) {
        Fail(path_, "value out of range");
      }
      return static_cast<int64_t>(v);
    }
    Expected("an integer");
  }

  // A float from its "<key>_bits" field, "0x" and eight hex digits.
  float FloatBitsField(const char* key) const {
    Node n = Field((std::string(key) + "_bits").c_str());
    std::string s = n.String();
    bool ok = s.size() == 10 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X');
    for (size_t i = 2; ok && i < s.size(); ++i) ok = std::isxdigit(static_cast<unsigned char>(s[i])) != 0;
    if (!ok) Fail(n.path(), "expected a float bit pattern like \"0x3fc00000\", found " + Shown(n.value()));
    return FloatFromBits(static_cast<uint32_t>(std::stoul(s.substr(2), nullptr, 16)));
  }

 private:
  [[noreturn]] void Expected(const char* what) const {
    Fail(path_, std::string("expected ") + what + ", found " + TypeName(j_));
  }
  std::string Join(const char* key) const { return path_.empty() ? key : path_ + "." + key; }

  const json& j_;
  std::string path_;
};

WorstInput WorstFromJson(const Node& n) {
  WorstInput w;
  w.x = n.FloatBitsField("x");
  w.out = n.FloatBitsField("out");
  w.expected = n.FloatBitsField("expected");
  w.ulp = n.Field("ulp").Number();
  return w;
}

ErrorStats ErrorFromJson(const Node& n) {
  ErrorStats e;
  e.against = n.Field("against").String();
  e.count = n.Field("count").Size();
  e.max_ulp = n.Field("max_ulp").Number();
  e.mean_ulp = n.Field("mean_ulp").Number();
  e.max_ulp_distance = n.Field("max_ulp_distance").Int64();
  e.max_abs_err = n.Field("max_abs_err").Number();
  e.max_rel_err = n.Field("max_rel_err").Number();
  e.above_0_5 = n.Field("above_0_5").Size();
  e.above_1 = n.Field("above_1").Size();
  e.above_2 = n.Field("above_2").Size();
  e.above_4 = n.Field("above_4").Size();
  e.nan_mismatch = n.Field("nan_mismatch").Size();
  e.inf_mismatch = n.Field("inf_mismatch").Size();
  for (const Node& w : n.Field("worst").Items()) e.worst.push_back(WorstFromJson(w));
  // Optional: absent (or null) in reports written before it existed.
  if (n.Has("binades") && !n.Field("binades").value().is_null()) {
    const Node b = n.Field("binades");
    if (b.Field("exp_lo").Int64() != kBinadeExpLo || b.Field("exp_hi").Int64() != kBinadeExpHi) {
      Fail(b.path(), "binades over exponents [" + Shown(b.Field("exp_lo").value()) + ", " +
                         Shown(b.Field("exp_hi").value()) + "]; this build reads [" +
                         std::to_string(kBinadeExpLo) + ", " + std::to_string(kBinadeExpHi) + "]");
    }
    const std::vector<Node> items = b.Field("max_ulp").Items();
    if (items.size() != kBinadeCount) {
      Fail(b.path() + ".max_ulp", "expected " + std::to_string(kBinadeCount) + " entries, found " +
                                      std::to_string(items.size()));
    }
    for (const Node& v : items) {
      e.binade_max_ulp.push_back(v.value().is_null() ? std::numeric_limits<double>::quiet_NaN()
                                                     : v.Number());
    }
  }
  // Optional (absent in reports written before they existed): the exact sums
  // and the histogram. Without them the sums are rebuilt from the mean.
  if (n.Has("finite")) {
    e.finite = n.Field("finite").Size();
  } else {
    e.finite = e.count - std::min(e.count, e.nan_mismatch + e.inf_mismatch);
  }
  if (n.Has("sum_ulp_q24")) {
    const Node q = n.Field("sum_ulp_q24");
    if (!U128FromString(q.String(), &e.sum_ulp_q24)) Fail(q.path(), "expected a decimal integer, found " + Shown(q.value()));
  } else {
    e.sum_ulp_q24 = static_cast<unsigned __int128>(static_cast<long double>(e.mean_ulp) *
                                                   static_cast<long double>(e.finite) * 0x1p24L);
  }
  if (n.Has("histogram")) {
    for (const Node& h : n.Field("histogram").Items()) e.histogram.push_back(h.Size());
    if (e.histogram.size() != ErrorStats::kHistogramBins)
      Fail(n.path() + ".histogram", "expected " + std::to_string(ErrorStats::kHistogramBins) + " bins, found " +
                                        std::to_string(e.histogram.size()));
  }
  return e;
}

ContractResult ContractFromJson(const Node& n) {
  ContractResult c;
  c.pass = n.Field("pass").Bool();
  c.failures = n.Field("failures").Size();
  for (const Node& s : n.Field("examples").Items()) c.examples.push_back(s.String());
  return c;
}

AccuracyResult AccuracyFromJson(const Node& n, bool promised) {
  AccuracyResult a;
  a.inputs = n.Field("inputs").Size();
  a.error = ErrorFromJson(n.Field("error"));
  for (const Node& e : n.Field("also").Items()) a.also.push_back(ErrorFromJson(e));
  a.max_ulp_in_domain = n.Field("max_ulp_in_domain").Number();
  // Nothing to hold without a promise: no promise was broken.
  a.promise_held = promised ? n.Field("promise_held").Bool() : true;
  a.contract = ContractFromJson(n.Field("contract"));
  if (n.Has("coverage")) {  // optional: exhaustive sweeps only
    for (const Node& c : n.Field("coverage").Items()) {
      BitRange b;
      for (auto [key, dst] : {std::pair<const char*, uint32_t*>{"lo", &b.lo}, {"hi", &b.hi}}) {
        const Node f = c.Field(key);
        const std::string t = f.String();
        bool ok = t.size() == 10 && t[0] == '0' && (t[1] == 'x' || t[1] == 'X');
        for (size_t i = 2; ok && i < t.size(); ++i) ok = std::isxdigit(static_cast<unsigned char>(t[i])) != 0;
        if (!ok) Fail(f.path(), "expected a bit pattern like \"0x3fc00000\", found " + Shown(f.value()));
        *dst = static_cast<uint32_t>(std::stoul(t.substr(2), nullptr, 16));
      }
      if (b.lo > b.hi) Fail(c.path(), "lo is above hi");
      a.coverage.push_back(b);
    }
  }
  if (n.Has("reference_fallbacks")) a.reference_fallbacks = n.Field("reference_fallbacks").Size();
  if (n.Has("bit_identical")) {  // optional: rows whose variant was swept on two targets or more
    const Node b = n.Field("bit_identical");
    for (const Node& t : b.Field("targets").Items()) a.agreement.targets.push_back(t.String());
    if (!a.agreement.compared()) Fail(b.Field("targets").path(), "expected two targets or more");
    a.agreement.inputs = b.Field("inputs").Size();
    a.agreement.differing = b.Field("differing_inputs").Size();
    if (a.agreement.differing > a.agreement.inputs) Fail(b.Field("differing_inputs").path(), "more than inputs");
    if (b.Field("identical").Bool() != a.agreement.identical())
      Fail(b.Field("identical").path(), "disagrees with differing_inputs");
  }
  return a;
}

BenchResult BenchFromJson(const Node& n) {
  BenchResult b;
  b.label = n.Field("label").String();
  b.size_label = n.Field("size_label").String();
  b.n = n.Field("n").Size();
  b.bytes = n.Field("bytes").Size();
  b.iterations = n.Field("iterations").Int64();
  b.real_time_ns = n.Field("real_time_ns").Number();
  b.cpu_time_ns = n.Field("cpu_time_ns").Number();
  b.elements_per_second = n.Field("elements_per_second").Number();
  b.bytes_per_second = n.Field("bytes_per_second").Number();
  for (const Node& s : n.Field("samples").Items()) b.samples.push_back(s.Number());
  // Added later in version 1: absent in older reports.
  if (n.Has("creation_ns")) b.creation_ns = n.Field("creation_ns").Number();
  return b;
}

PromiseInfo PromiseFromJson(const Node& n, int version) {
  PromiseInfo p;
  p.note = n.Field("note").String();
  p.promised = version < 2 || n.Field("promised").Bool();  // version 1: every row promised
  if (!p.promised) {  // as MakeRow fills an unpromised row
    p.max_ulp = std::numeric_limits<double>::infinity();
    p.domain_lo = -std::numeric_limits<double>::infinity();
    p.domain_hi = std::numeric_limits<double>::infinity();
    return p;
  }
  p.max_ulp = n.Field("max_ulp").Number();
  p.domain_lo = n.Field("domain_lo").Number();
  p.domain_hi = n.Field("domain_hi").Number();
  return p;
}

ReportRow RowFromJson(const Node& n, int version) {
  ReportRow r;
  r.activation = n.Field("activation").String();
  r.variant = n.Field("variant").String();
  r.target = n.Field("target").String();
  r.family = n.Field("family").String();
  // Added later in version 1: absent in older reports, null on our own rows.
  if (n.Has("peer") && !n.Field("peer").value().is_null()) {
    r.peer_library = n.Field("peer").Field("library").String();
    r.peer_version = n.Field("peer").Field("version").String();
  }
  // Added with users' variants: absent in older reports (all built-in rows).
  if (n.Has("plugin") && !n.Field("plugin").value().is_null()) r.plugin = n.Field("plugin").String();
  if (n.Has("safety")) r.safety = n.Field("safety").String();
  r.computes = n.Field("computes").String();
  // Added with backward activations: absent in older reports, null on forward rows.
  if (n.Has("first_input") && !n.Field("first_input").value().is_null()) {
    r.first_input = n.Field("first_input").String();
    if (r.first_input != "x" && r.first_input != "y")
      Fail(n.Field("first_input").path(), "must be \"x\" or \"y\", not \"" + r.first_input + "\"");
    if (const Activation* a = FindActivation(r.activation); a != nullptr && !a->backward)
      Fail(n.Field("first_input").path(), r.activation + " is a forward activation: its rows have no first input");
  }
  r.description = n.Field("description").String();
  r.promise = PromiseFromJson(n.Field("promise"), version);
  if (version >= 2) r.estimate = n.Field("estimate").String();
  // "label" is derived from the three names above; it is written for readers
  // of the raw JSON and not read back.
  if (n.Has("accuracy") && !n.Field("accuracy").value().is_null()) {
    r.accuracy = AccuracyFromJson(n.Field("accuracy"), r.promise.promised);
  }
  for (const Node& b : n.Field("bench").Items()) r.bench.push_back(BenchFromJson(b));
  return r;
}

std::string OneLine(std::string s) {
  for (char& c : s) {
    if (c == '\n' || c == '\r') c = ' ';
  }
  return s;
}

}  // namespace

// ---------------------------------------------------------------------------

std::string MachineString(const json& machine, std::initializer_list<const char*> path) {
  const json* j = &machine;
  for (const char* key : path) {
    if (!j->is_object() || !j->contains(key)) return "unknown";
    j = &(*j)[key];
  }
  if (j->is_string()) return j->get<std::string>();
  if (j->is_null()) return "unknown";
  return j->dump(-1, ' ', false, json::error_handler_t::replace);
}

// The name a user gave the machine (--machine-name), else its hostname, CPU
// model and logical cores: cloud VMs and containers often share a hostname
// ("vm", "localhost"), and a 2-core and a 16-core VM the CPU model.
std::string MachineName(const json& machine) {
  if (machine.is_object() && machine.contains("name") && machine["name"].is_string())
    return machine["name"].get<std::string>();
  std::string s = MachineString(machine, {"hostname"}) + " (" + MachineString(machine, {"cpu", "model"});
  const std::string cores = MachineString(machine, {"cpu", "logical_cores"});
  if (cores != "unknown") s += ", " + cores + (cores == "1" ? " core" : " cores");
  return s + ")";
}

bool SameCpu(const json& a, const json& b) {
  auto flags = [](const json& m) -> json {
    if (m.is_object() && m.contains("cpu") && m["cpu"].is_object() && m["cpu"].contains("flags"))
      return m["cpu"]["flags"];
    return nullptr;
  };
  const std::string model = MachineString(a, {"cpu", "model"});
  return model != "unknown" && model == MachineString(b, {"cpu", "model"}) && !flags(a).is_null() &&
         flags(a) == flags(b);
}

std::string ReportRow::user_text() const {
  if (!is_user()) return "";
  std::string s = plugin.empty() ? "user" : "user, plugin " + plugin;
  if (safety != "checked" && safety != "test-suite") s += ", " + safety;
  return s;
}

std::string ReportRow::peer_text() const {
  if (!is_peer()) return "";
  static const std::pair<const char*, const char*> kNames[] = {
      {"sleef", "SLEEF"}, {"eigen", "Eigen"}, {"onednn", "oneDNN"}, {"xnnpack", "XNNPACK"}};
  std::string name = peer_library.empty() ? "peer" : peer_library;
  for (const auto& [id, shown] : kNames)
    if (peer_library == id) name = shown;
  return peer_version.empty() ? name : name + " " + peer_version;
}

ReportRow MakeRow(const VariantTarget& vt) {
  const Variant& v = *vt.variant;
  ReportRow r;
  r.activation = GetActivation(v.activation).name;
  r.variant = v.name;
  r.target = vt.kernel->target;
  r.family = v.family;
  r.plugin = v.plugin;
  if (v.family == "user") r.safety = "not checked";  // until a check says otherwise
  if (!v.library.empty()) {
    r.peer_library = v.library;
    r.peer_version = PeerVersion(v.library);
  }
  r.computes = GetActivation(v.computes).name;
  if (GetActivation(v.activation).backward) r.first_input = v.from_output ? "y" : "x";
  r.description = v.description;
  r.promise.promised = v.promise.promised;
  r.promise.note = v.promise.note;
  r.estimate = vt.kernel->estimate;
  if (r.promise.promised) {
    r.promise.max_ulp = vt.promised_ulp();
    r.promise.domain_lo = v.promise.domain_lo;
    r.promise.domain_hi = v.promise.domain_hi;
  } else {
    r.promise.max_ulp = std::numeric_limits<double>::infinity();  // unused: nothing promised
    r.promise.domain_lo = -std::numeric_limits<double>::infinity();
    r.promise.domain_hi = std::numeric_limits<double>::infinity();
  }
  return r;
}

json ToJson(const Report& r) {
  const bool merged = !r.machines.empty();
  json rows = json::array();
  for (const ReportRow& row : r.rows) rows.push_back(ToJson(row, merged));
  json j = {
      {"schema", kSchemaName},
      {"schema_version", r.schema_version},
      {"machine", r.machine.is_null() ? json::object() : r.machine},
      {"config", r.config.is_null() ? json::object() : r.config},
      {"rows", std::move(rows)},
  };
  if (merged) {
    j["machine"] = r.machines.front();
    j["machines"] = r.machines;
  }
  return j;
}

Report ReportFromJson(const json& j) {
  Node root(j, "");
  if (!j.is_object()) {
    throw std::runtime_error(std::string("not an actbench report: expected a JSON object, found ") +
                             TypeName(j));
  }
  if (!j.contains("schema")) {
    throw std::runtime_error(std::string("not an actbench report: no \"schema\" field (expected \"") +
                             kSchemaName + "\")");
  }
  const json& schema = j.at("schema");
  if (!schema.is_string() || schema.get_ref<const std::string&>() != kSchemaName) {
    throw std::runtime_error("not an actbench report: schema is " + Shown(schema) + ", expected \"" +
                             kSchemaName + "\"");
  }
  if (!j.contains("schema_version")) Fail("schema_version", "missing");
  const json& version = j.at("schema_version");
  if (!version.is_number_integer() || version.get<int64_t>() < 1 || version.get<int64_t>() > kReportSchemaVersion) {
    throw std::runtime_error("unsupported report schema_version " + Shown(version) +
                             "; this build reads versions 1 to " + std::to_string(kReportSchemaVersion));
  }
  const int read_version = static_cast<int>(version.get<int64_t>());

  Report r;
  r.schema_version = kReportSchemaVersion;
  Node machine = root.Field("machine");
  if (!machine.value().is_object()) Fail("machine", std::string("expected an object, found ") + TypeName(machine.value()));
  r.machine = machine.value();
  Node config = root.Field("config");
  if (!config.value().is_object()) Fail("config", std::string("expected an object, found ") + TypeName(config.value()));
  r.config = config.value();
  if (root.Has("machines")) {
    for (const Node& m : root.Field("machines").Items()) {
      if (!m.value().is_object()) Fail(m.path(), std::string("expected an object, found ") + TypeName(m.value()));
      r.machines.push_back(m.value());
    }
    if (r.machines.empty()) Fail("machines", "empty; a merged report lists at least one machine");
    r.machine = r.machines.front();
  }
  for (const Node& row : root.Field("rows").Items()) {
    r.rows.push_back(RowFromJson(row, read_version));
    if (row.Has("machine")) {
      const Node m = row.Field("machine");
      r.rows.back().machine = m.Size();
      if (r.rows.back().machine >= r.MachineCount()) {
        Fail(m.path(), "machine index " + Shown(m.value()) + " out of range; the report lists " +
                           std::to_string(r.MachineCount()) + " machine(s)");
      }
    }
  }
  return r;
}

Report ReadReport(const std::string& path) {
  struct stat st;
  if (::stat(path.c_str(), &st) != 0) {
    throw std::runtime_error(path + ": cannot read: " + std::strerror(errno));
  }
  if (S_ISDIR(st.st_mode)) throw std::runtime_error(path + ": is a directory, not a report file");

  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error(path + ": cannot read: " + std::strerror(errno));
  std::ostringstream buf;
  buf << in.rdbuf();
  if (in.bad()) throw std::runtime_error(path + ": read error");
  const std::string text = buf.str();
  if (text.find_first_not_of(" \t\r\n") == std::string::npos) {
    throw std::runtime_error(path + ": empty file, not a report");
  }

  json j;
  try {
    j = json::parse(text);
  } catch (const json::exception& e) {
    // parse_error, or out_of_range for a number too large for a double
    // ("1e999", found by report_fuzz). nlohmann's message starts with
    // "[json.exception.<kind>.N] "; keep the rest.
    std::string msg = e.what();
    if (auto pos = msg.find("] "); msg.rfind("[json.exception", 0) == 0 && pos != std::string::npos) {
      msg = msg.substr(pos + 2);
    }
    throw std::runtime_error(path + ": not valid JSON: " + OneLine(msg));
  }
  try {
    return ReportFromJson(j);
  } catch (const std::exception& e) {
    throw std::runtime_error(path + ": " + OneLine(e.what()));
  }
}

std::vector<const ReportRow*> AgreementRows(const Report& r) {
  std::vector<const ReportRow*> out;
  for (const ReportRow& row : r.rows) {
    if (!row.accuracy || !row.accuracy->agreement.compared()) continue;
    bool seen = false;
    for (const ReportRow* o : out)
      seen = seen || (o->machine == row.machine && o->activation == row.activation && o->variant == row.variant);
    if (!seen) out.push_back(&row);
  }
  return out;
}

}  // namespace actbench
