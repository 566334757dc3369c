// Tests of the report model (JSON round trip and validation), report file I/O,
// the machine description and the Markdown summary.
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <functional>
#include <limits>
#include <regex>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "reports/machine.h"
#include "reports/markdown.h"
#include "reports/report.h"

namespace actbench {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

constexpr double kInf = std::numeric_limits<double>::infinity();
constexpr double kNan = std::numeric_limits<double>::quiet_NaN();
constexpr float kInfF = std::numeric_limits<float>::infinity();

uint64_t Bits(double d) {
  uint64_t b;
  std::memcpy(&b, &d, sizeof b);
  return b;
}
uint32_t Bits(float f) {
  uint32_t b;
  std::memcpy(&b, &f, sizeof b);
  return b;
}
float FloatFromBits(uint32_t b) {
  float f;
  std::memcpy(&f, &b, sizeof f);
  return f;
}

// Same value, bit for bit, except that any NaN equals any NaN (payloads aside).
#define EXPECT_SAME_FP(a, b)                                   \
  do {                                                         \
    auto a_ = (a);                                             \
    auto b_ = (b);                                             \
    if (std::isnan(a_) || std::isnan(b_)) {                    \
      EXPECT_TRUE(std::isnan(a_) && std::isnan(b_)) << #a;     \
    } else {                                                   \
      EXPECT_EQ(Bits(a_), Bits(b_)) << #a << ": " << a_ << " vs " << b_; \
    }                                                          \
  } while (0)

ErrorStats MakeErrorStats(const std::string& against, double seed) {
  ErrorStats e;
  e.against = against;
  e.count = std::numeric_limits<size_t>::max();  // the extremes of each type
  e.max_ulp = kInf;                              // NaN where a number was due
  e.mean_ulp = seed + 0.1;                       // not a short decimal
  e.max_ulp_distance = std::numeric_limits<int64_t>::min();
  e.max_abs_err = -0.0;
  e.max_rel_err = std::numeric_limits<double>::denorm_min();
  e.above_0_5 = 1;
  e.above_1 = 2;
  e.above_2 = 3;
  e.above_4 = 4;
  e.nan_mismatch = 5;
  e.inf_mismatch = 6;
  e.worst = {
      {3.0f, 1.5f, -0.0f, 0.5},
      {std::numeric_limits<float>::denorm_min(), kInfF, -kInfF, kInf},
      {std::numeric_limits<float>::quiet_NaN(), FloatFromBits(0x7fc01234u),
       std::numeric_limits<float>::max(), kNan},
      {-std::numeric_limits<float>::min(), 0x1.fffffep-127f, 1e-40f, 1e300},
  };
  return e;
}

// A report with every field set, non-finite and extreme values included.
Report MakeFullReport() {
  Report r;
  r.machine = {{"cpu", {{"model", "Test CPU"}}},
               {"compiler", "gcc 12"},
               {"build_type", "Release"},
               {"git", {{"commit", "0123456789abcdef0123456789abcdef01234567"}, {"dirty", true}}},
               {"date", "2026-11-22T10:52:04Z"}};
  r.config = {{"quick", true}, {"inputs", 12345}};

  ReportRow full;
  full.activation = "gelu_tanh";
  full.variant = "tanh-form";
  full.target = "AVX2";
  full.family = "simd";
  full.computes = "gelu_tanh";
  full.description = "x/2 * (1 + tanh(...)) | with \"quotes\"\nand a newline";
  full.promise = {2.5, -kInf, kInf, "loses accuracy near -5"};
  AccuracyResult a;
  a.error = MakeErrorStats("gelu_tanh", 1);
  a.also = {MakeErrorStats("gelu", 2), MakeErrorStats("gelu", 3)};
  a.also[1].max_ulp = 1234.5678;
  a.also[1].worst.clear();
  a.max_ulp_in_domain = kNan;
  a.promise_held = false;
  a.contract = {false, 7, {"x=nan: got 0, expected nan", "x=inf: got nan, expected inf"}};
  a.inputs = 1u << 20;
  a.agreement = {{"AVX2", "SSE4"}, 1u << 20, 12345};
  full.accuracy = a;
  BenchResult b;
  b.label = full.label();
  b.size_label = "L1";
  b.n = 4096;
  b.bytes = 32768;
  b.iterations = std::numeric_limits<int64_t>::max();
  b.real_time_ns = 123.456;
  b.cpu_time_ns = 1e-300;
  b.elements_per_second = 3.3e10;
  b.bytes_per_second = kInf;
  b.samples = {1.0, kNan, -kInf, 0.1, -0.0};
  full.bench.push_back(b);
  b.size_label = "DRAM";
  b.samples.clear();
  full.bench.push_back(b);

  ReportRow bare;  // accuracy and bench not run
  bare.activation = "relu";
  bare.variant = "max";
  bare.target = "baseline";
  bare.family = "scalar";
  bare.computes = "relu";
  bare.promise = {0, -1.5, 0x1p-1074, ""};

  ReportRow grad = bare;  // a backward row computed from the forward output
  grad.activation = "tanh_grad";
  grad.variant = "from-output-f32";
  grad.computes = "tanh_grad";
  grad.first_input = "y";

  r.rows = {full, bare, grad};
  return r;
}

void ExpectSameErrorStats(const ErrorStats& a, const ErrorStats& b) {
  EXPECT_EQ(a.against, b.against);
  EXPECT_EQ(a.count, b.count);
  EXPECT_SAME_FP(a.max_ulp, b.max_ulp);
  EXPECT_SAME_FP(a.mean_ulp, b.mean_ulp);
  EXPECT_EQ(a.max_ulp_distance, b.max_ulp_distance);
  EXPECT_SAME_FP(a.max_abs_err, b.max_abs_err);
  EXPECT_SAME_FP(a.max_rel_err, b.max_rel_err);
  EXPECT_EQ(a.above_0_5, b.above_0_5);
  EXPECT_EQ(a.above_1, b.above_1);
  EXPECT_EQ(a.above_2, b.above_2);
  EXPECT_EQ(a.above_4, b.above_4);
  EXPECT_EQ(a.nan_mismatch, b.nan_mismatch);
  EXPECT_EQ(a.inf_mismatch, b.inf_mismatch);
  ASSERT_EQ(a.worst.size(), b.worst.size());
  for (size_t i = 0; i < a.worst.size(); ++i) {
    SCOPED_TRACE("worst[" + std::to_string(i) + "]");
    EXPECT_SAME_FP(a.worst[i].x, b.worst[i].x);
    EXPECT_SAME_FP(a.worst[i].out, b.worst[i].out);
    EXPECT_SAME_FP(a.worst[i].expected, b.worst[i].expected);
    EXPECT_SAME_FP(a.worst[i].ulp, b.worst[i].ulp);
  }
}

void ExpectSameReport(const Report& a, const Report& b) {
  EXPECT_EQ(a.schema_version, b.schema_version);
  EXPECT_EQ(a.machine, b.machine);
  EXPECT_EQ(a.config, b.config);
  ASSERT_EQ(a.rows.size(), b.rows.size());
  for (size_t i = 0; i < a.rows.size(); ++i) {
    SCOPED_TRACE("rows[" + std::to_string(i) + "]");
    const ReportRow& x = a.rows[i];
    const ReportRow& y = b.rows[i];
    EXPECT_EQ(x.activation, y.activation);
    EXPECT_EQ(x.variant, y.variant);
    EXPECT_EQ(x.target, y.target);
    EXPECT_EQ(x.family, y.family);
    EXPECT_EQ(x.computes, y.computes);
    EXPECT_EQ(x.first_input, y.first_input);
    EXPECT_EQ(x.description, y.description);
    EXPECT_SAME_FP(x.promise.max_ulp, y.promise.max_ulp);
    EXPECT_SAME_FP(x.promise.domain_lo, y.promise.domain_lo);
    EXPECT_SAME_FP(x.promise.domain_hi, y.promise.domain_hi);
    EXPECT_EQ(x.promise.note, y.promise.note);
    ASSERT_EQ(x.accuracy.has_value(), y.accuracy.has_value());
    if (x.accuracy) {
      const AccuracyResult& p = *x.accuracy;
      const AccuracyResult& q = *y.accuracy;
      ExpectSameErrorStats(p.error, q.error);
      ASSERT_EQ(p.also.size(), q.also.size());
      for (size_t k = 0; k < p.also.size(); ++k) ExpectSameErrorStats(p.also[k], q.also[k]);
      EXPECT_SAME_FP(p.max_ulp_in_domain, q.max_ulp_in_domain);
      EXPECT_EQ(p.promise_held, q.promise_held);
      EXPECT_EQ(p.contract.pass, q.contract.pass);
      EXPECT_EQ(p.contract.failures, q.contract.failures);
      EXPECT_EQ(p.contract.examples, q.contract.examples);
      EXPECT_EQ(p.inputs, q.inputs);
      EXPECT_EQ(p.agreement.targets, q.agreement.targets);
      EXPECT_EQ(p.agreement.inputs, q.agreement.inputs);
      EXPECT_EQ(p.agreement.differing, q.agreement.differing);
    }
    ASSERT_EQ(x.bench.size(), y.bench.size());
    for (size_t k = 0; k < x.bench.size(); ++k) {
      const BenchResult& p = x.bench[k];
      const BenchResult& q = y.bench[k];
      EXPECT_EQ(p.label, q.label);
      EXPECT_EQ(p.size_label, q.size_label);
      EXPECT_EQ(p.n, q.n);
      EXPECT_EQ(p.bytes, q.bytes);
      EXPECT_EQ(p.iterations, q.iterations);
      EXPECT_SAME_FP(p.real_time_ns, q.real_time_ns);
      EXPECT_SAME_FP(p.cpu_time_ns, q.cpu_time_ns);
      EXPECT_SAME_FP(p.elements_per_second, q.elements_per_second);
      EXPECT_SAME_FP(p.bytes_per_second, q.bytes_per_second);
      ASSERT_EQ(p.samples.size(), q.samples.size());
      for (size_t s = 0; s < p.samples.size(); ++s) EXPECT_SAME_FP(p.samples[s], q.samples[s]);
    }
  }
}

// The message of the runtime_error f throws; fails the test when it throws
// nothing or something else.
std::string ErrorOf(const std::function<void()>& f) {
  try {
    f();
  } catch (const std::runtime_error& e) {
    return e.what();
  } catch (const std::exception& e) {
    ADD_FAILURE() << "threw a non-runtime_error: " << e.what();
    return e.what();
  }
  ADD_FAILURE() << "did not throw";
  return "";
}

bool StartsWith(const std::string& s, const std::string& prefix) { return s.rfind(prefix, 0) == 0; }
bool EndsWith(const std::string& s, const std::string& suffix) {
  return s.size() >= suffix.size() && s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

// A fresh directory, removed at the end of the test.
class TempDir {
 public:
  TempDir() {
    std::string tmpl = (fs::temp_directory_path() / "report_test.XXXXXX").string();
    char* made = ::mkdtemp(tmpl.data());
    if (!made) throw std::runtime_error("mkdtemp failed");
    path_ = made;
  }
  ~TempDir() {
    std::error_code ec;
    fs::remove_all(path_, ec);
  }
  std::string operator/(const std::string& name) const { return (path_ / name).string(); }
  std::vector<std::string> Entries() const {
    std::vector<std::string> names;
    for (const auto& e : fs::directory_iterator(path_)) names.push_back(e.path().filename().string());
    return names;
  }
  const fs::path& path() const { return path_; }

 private:
  fs::path path_;
};

std::string Slurp(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

void WriteRaw(const std::string& path, const std::string& text) {
  std::ofstream out(path, std::ios::binary);
  out << text;
}

// ---------------------------------------------------------------------------
// JSON round trip

TEST(ReportJson, RoundTripsEveryFieldThroughText) {
  const Report r = MakeFullReport();
  const std::string text = ToJson(r).dump(2);
  const Report back = ReportFromJson(json::parse(text));
  ExpectSameReport(r, back);
  // Writing what was read gives the same document: nothing is lost or invented.
  EXPECT_EQ(ToJson(back).dump(2), text);
}

TEST(ReportJson, TopLevelShape) {
  const json j = ToJson(MakeFullReport());
  EXPECT_EQ(j.at("schema"), "actbench-report");
  EXPECT_EQ(j.at("schema_version"), kReportSchemaVersion);
  EXPECT_TRUE(j.at("machine").is_object());
  EXPECT_TRUE(j.at("config").is_object());
  ASSERT_TRUE(j.at("rows").is_array());
  EXPECT_EQ(j["rows"][0].at("label"), "gelu_tanh/tanh-form@AVX2");
  EXPECT_TRUE(j["rows"][1].at("accuracy").is_null());
  // A default Report (no machine, no config) still writes objects there.
  const json empty = ToJson(Report{});
  EXPECT_TRUE(empty.at("machine").is_object());
  EXPECT_NO_THROW(ReportFromJson(empty));
}

TEST(ReportJson, NonFiniteDoublesAreStrings) {
  const json j = ToJson(MakeFullReport());
  const json& row = j["rows"][0];
  EXPECT_EQ(row["promise"]["domain_lo"], "-inf");
  EXPECT_EQ(row["promise"]["domain_hi"], "inf");
  EXPECT_EQ(row["accuracy"]["error"]["max_ulp"], "inf");
  EXPECT_EQ(row["accuracy"]["max_ulp_in_domain"], "nan");
  // The document is strict JSON: no bare inf/nan tokens anywhere.
  const std::string text = j.dump();
  EXPECT_EQ(text.find("Infinity"), std::string::npos);
  EXPECT_NO_THROW(json::parse(text));
}

TEST(ReportJson, WorstInputsAreReproducible) {
  const Report r = MakeFullReport();
  const json worst = ToJson(r)["rows"][0]["accuracy"]["error"]["worst"];
  const std::vector<WorstInput>& want = r.rows[0].accuracy->error.worst;
  ASSERT_EQ(worst.size(), want.size());
  for (size_t i = 0; i < want.size(); ++i) {
    SCOPED_TRACE(worst[i].dump());
    const float values[] = {want[i].x, want[i].out, want[i].expected};
    const char* keys[] = {"x", "out", "expected"};
    for (int k = 0; k < 3; ++k) {
      const float f = values[k];
      const std::string key = keys[k];
      // The bit pattern is the float's, as 0x and eight hex digits.
      const std::string bits = worst[i].at(key + "_bits");
      ASSERT_EQ(bits.size(), 10u);
      EXPECT_EQ(std::stoul(bits.substr(2), nullptr, 16), Bits(f));
      // The hex-float string parses back to the same float.
      const std::string hex = worst[i].at(key + "_hex");
      if (std::isfinite(f)) {
        EXPECT_TRUE(StartsWith(hex, "0x") || StartsWith(hex, "-0x")) << hex;
        EXPECT_EQ(Bits(static_cast<float>(std::strtod(hex.c_str(), nullptr))), Bits(f)) << hex;
        // The decimal number is the float's value.
        EXPECT_EQ(Bits(static_cast<float>(worst[i].at(key).get<double>())), Bits(f));
      } else {
        EXPECT_TRUE(hex == "inf" || hex == "-inf" || hex == "nan") << hex;
        EXPECT_TRUE(worst[i].at(key).is_string());
      }
    }
  }
  // IEEE 754 binary32: 3 = 1.5 * 2^1, sign 0, exponent 128, fraction 0x400000.
  EXPECT_EQ(worst[0]["x_hex"], "0x1.8p+1");
  EXPECT_EQ(worst[0]["x_bits"], "0x40400000");
}

// ---------------------------------------------------------------------------
// Validation

// Version 1 (before rows could lack a promise) reads as version 2: every row
// promised, no estimate named. A row without a promise says so explicitly
// ("promised": false), carries no bound and no promise_held, and reads back so.
TEST(ReportJson, ReadsVersion1AndWritesNoPromiseExplicitly) {
  Report full = MakeFullReport();
  ASSERT_FALSE(full.rows.empty());
  json v1 = ToJson(full);
  v1["schema_version"] = 1;
  for (json& row : v1["rows"]) {
    row["promise"].erase("promised");
    row.erase("estimate");
  }
  const Report old = ReportFromJson(v1);
  for (const ReportRow& row : old.rows) {
    EXPECT_TRUE(row.promise.promised);
    EXPECT_EQ(row.estimate, "");
  }
  full.rows[0].promise = PromiseInfo{};
  full.rows[0].promise.promised = false;
  full.rows[0].promise.note = "measured only";
  full.rows[0].estimate = "rcpps";
  const json j = ToJson(full);
  const json& row = j["rows"][0];
  EXPECT_EQ(row["promise"]["promised"], false);
  EXPECT_FALSE(row["promise"].contains("max_ulp"));
  EXPECT_EQ(row["estimate"], "rcpps");
  if (full.rows[0].accuracy) {
    EXPECT_FALSE(row["accuracy"].contains("promise_held"));
  }
  EXPECT_EQ(j["rows"][1]["promise"]["promised"], true);
  const Report back = ReportFromJson(j);
  EXPECT_FALSE(back.rows[0].promise.promised);
  EXPECT_FALSE(back.rows[0].promise_broken());
  EXPECT_EQ(back.rows[0].estimate, "rcpps");
  EXPECT_EQ(back.rows[0].promise.note, "measured only");
}

TEST(ReportJson, FirstInputIsXOrY) {
  json j = ToJson(MakeFullReport());
  ASSERT_EQ(j["rows"][2]["first_input"], "y");
  EXPECT_TRUE(j["rows"][0]["first_input"].is_null()) << "forward rows: null";
  j["rows"][2]["first_input"] = "z";
  EXPECT_EQ(ErrorOf([&] { ReportFromJson(j); }).rfind("rows[2].first_input: ", 0), 0u);
  j["rows"][2]["first_input"] = "y";
  j["rows"][1]["first_input"] = "x";  // relu: a forward row
  EXPECT_EQ(ErrorOf([&] { ReportFromJson(j); }).rfind("rows[1].first_input: ", 0), 0u);
}

TEST(ReportJson, RejectsOtherSchemaVersions) {
  for (const json& v : {json(kReportSchemaVersion + 1), json(0), json(-1), json(1.5), json("1")}) {
    json j = ToJson(MakeFullReport());
    j["schema_version"] = v;
    const std::string msg = ErrorOf([&] { ReportFromJson(j); });
    EXPECT_NE(msg.find("schema_version"), std::string::npos) << msg;
    EXPECT_NE(msg.find(v.dump()), std::string::npos) << "names what was found: " << msg;
    EXPECT_NE(msg.find(std::to_string(kReportSchemaVersion)), std::string::npos) << msg;
    EXPECT_EQ(msg.find('\n'), std::string::npos) << msg;
  }
}

TEST(ReportJson, RejectsOtherSchemas) {
  json j = ToJson(MakeFullReport());
  j["schema"] = "something-else";
  std::string msg = ErrorOf([&] { ReportFromJson(j); });
  EXPECT_NE(msg.find("something-else"), std::string::npos) << msg;
  EXPECT_NE(msg.find("actbench-report"), std::string::npos) << msg;
  j.erase("schema");
  msg = ErrorOf([&] { ReportFromJson(j); });
  EXPECT_NE(msg.find("schema"), std::string::npos) << msg;
  for (const json& not_object : {json::array(), json(3), json(nullptr), json("x")}) {
    msg = ErrorOf([&] { ReportFromJson(not_object); });
    EXPECT_EQ(msg.find('\n'), std::string::npos) << msg;
  }
}

TEST(ReportJson, MissingFieldNamesItsPath) {
  json j = ToJson(MakeFullReport());
  j["rows"][0]["accuracy"]["error"].erase("max_ulp");
  std::string msg = ErrorOf([&] { ReportFromJson(j); });
  EXPECT_TRUE(StartsWith(msg, "rows[0].accuracy.error.max_ulp: ")) << msg;

  j = ToJson(MakeFullReport());
  j["rows"][0]["accuracy"]["also"][1]["worst"] = 3;
  msg = ErrorOf([&] { ReportFromJson(j); });
  EXPECT_TRUE(StartsWith(msg, "rows[0].accuracy.also[1].worst: expected an array")) << msg;

  j = ToJson(MakeFullReport());
  j["rows"][1]["bench"] = json::array({json::object()});
  msg = ErrorOf([&] { ReportFromJson(j); });
  EXPECT_TRUE(StartsWith(msg, "rows[1].bench[0].label: ")) << msg;
}

TEST(ReportJson, WrongTypeNamesPathAndExpectation) {
  json j = ToJson(MakeFullReport());
  j["rows"][0]["accuracy"]["error"]["max_ulp"] = true;
  std::string msg = ErrorOf([&] { ReportFromJson(j); });
  EXPECT_TRUE(StartsWith(msg, "rows[0].accuracy.error.max_ulp: expected a number")) << msg;

  j = ToJson(MakeFullReport());
  j["rows"][0]["accuracy"]["error"]["max_ulp"] = "infinity";  // only "inf" is the convention
  msg = ErrorOf([&] { ReportFromJson(j); });
  EXPECT_TRUE(StartsWith(msg, "rows[0].accuracy.error.max_ulp: expected a number")) << msg;

  j = ToJson(MakeFullReport());
  j["rows"][0]["bench"][1]["n"] = -4;
  msg = ErrorOf([&] { ReportFromJson(j); });
  EXPECT_TRUE(StartsWith(msg, "rows[0].bench[1].n: expected a non-negative integer")) << msg;

  j = ToJson(MakeFullReport());
  j["rows"][0]["accuracy"]["error"]["worst"][2]["out_bits"] = "0x7fc0";
  msg = ErrorOf([&] { ReportFromJson(j); });
  EXPECT_TRUE(StartsWith(msg, "rows[0].accuracy.error.worst[2].out_bits: ")) << msg;
}

// Fields the reader does not need: a row's "label" (derived from its names),
// the decimal and hex forms of a worst input's floats (written for humans
// beside the authoritative bit pattern), and "accuracy" (absent when not run).
bool Optional(const std::string& path) {
  static const std::regex kOptional(
      R"(rows\[\d+\]\.(label|accuracy|accuracy\..*worst\[\d+\]\.(x|out|expected)(_hex)?|accuracy\..*\.binades))"
      // The exhaustive-sweep fields (docs/exhaustive.md), absent in older reports.
      R"(|rows\[\d+\]\.accuracy\.(.*\.(finite|sum_ulp|sum_ulp_q24|histogram)|coverage|reference_fallbacks))"
      // Agreement across targets (AccuracyResult::agreement), only where compared.
      R"(|rows\[\d+\]\.accuracy\.bit_identical)"
      // The peer fields (impls/peers/), absent in older reports.
      R"(|rows\[\d+\]\.(peer|bench\[\d+\]\.creation_ns))"
      // Users' variants (include/actbench/), absent in older reports.
      R"(|rows\[\d+\]\.(plugin|safety))"
      // Backward rows' first input (impls/activation.h), absent in older reports.
      R"(|rows\[\d+\]\.first_input)");
  return std::regex_match(path, kOptional);
}

// Every field of every row, removed or replaced by a value of the wrong type,
// gives a one-line runtime_error that starts with the field's path (or, for an
// optional field, no error). No crash, no nlohmann exception leaks out.
TEST(ReportJson, EveryFieldIsValidated) {
  const json good = ToJson(MakeFullReport());
  std::vector<std::pair<std::string, json::json_pointer>> fields;
  std::function<void(const json&, const std::string&, const json::json_pointer&)> collect =
      [&](const json& node, const std::string& path, const json::json_pointer& ptr) {
        if (node.is_object()) {
          for (auto it = node.begin(); it != node.end(); ++it) {
            const std::string p = path.empty() ? it.key() : path + "." + it.key();
            fields.emplace_back(p, ptr / it.key());
            if (p == "machine" || p == "config") continue;  // free-form contents
            collect(it.value(), p, ptr / it.key());
          }
        } else if (node.is_array()) {
          for (size_t i = 0; i < node.size(); ++i) {
            const std::string p = path + "[" + std::to_string(i) + "]";
            fields.emplace_back(p, ptr / i);
            collect(node[i], p, ptr / i);
          }
        }
      };
  collect(good, "", json::json_pointer());

  int checked = 0;
  for (const auto& [path, ptr] : fields) {
    SCOPED_TRACE(path);
    if (path == "schema" || path == "schema_version") continue;  // tested above
    const bool in_array = good.at(ptr.parent_pointer()).is_array();
    const bool free_form = path == "machine" || path == "config";

    // Replaced by a value no field accepts (an object of the wrong shape).
    json bad = good;
    bad[ptr] = json::object({{"bogus", json::array()}});
    // Fields the reader skips accept anything; "accuracy" is optional but,
    // when present, must be a well-formed accuracy object. So is "binades", when present (it is null in this report).
    const bool skipped = Optional(path) && !EndsWith(path, ".accuracy") && !EndsWith(path, ".binades") &&
                         !EndsWith(path, ".finite") && !EndsWith(path, ".sum_ulp_q24") &&
                         !EndsWith(path, ".histogram") && !EndsWith(path, ".coverage") &&
                         !EndsWith(path, ".reference_fallbacks") && !EndsWith(path, ".creation_ns") &&
                         !EndsWith(path, ".bit_identical") &&
                         !EndsWith(path, ".peer") && !EndsWith(path, ".plugin") &&
                         !EndsWith(path, ".safety") && !EndsWith(path, ".first_input");  // sum_ulp is for humans, not read
    if (free_form || skipped) {
      EXPECT_NO_THROW(ReportFromJson(bad));
    } else {
      const std::string msg = ErrorOf([&] { ReportFromJson(bad); });
      EXPECT_TRUE(StartsWith(msg, path)) << msg;
      EXPECT_EQ(msg.find('\n'), std::string::npos) << msg;
    }

    // Removed. (Removing an array element leaves a shorter array, still valid.)
    if (in_array) continue;
    json missing = good;
    missing.at(ptr.parent_pointer()).erase(ptr.back());
    if (Optional(path)) {
      EXPECT_NO_THROW(ReportFromJson(missing));
    } else {
      const std::string msg = ErrorOf([&] { ReportFromJson(missing); });
      EXPECT_TRUE(StartsWith(msg, path + ": missing")) << msg;
      EXPECT_EQ(msg.find('\n'), std::string::npos) << msg;
    }
    ++checked;
  }
  EXPECT_GT(checked, 100);  // the walk did reach the leaves
}

// ---------------------------------------------------------------------------
// Files

TEST(ReportFile, WriteThenReadRoundTrips) {
  TempDir dir;
  const std::string path = dir / "report.json";
  const Report r = MakeFullReport();
  WriteFileAtomic(path, ToJson(r).dump(2) + "\n");
  ExpectSameReport(r, ReadReport(path));
}

TEST(ReportFile, TruncatedJsonIsOneLineError) {
  TempDir dir;
  const std::string path = dir / "truncated.json";
  const std::string text = ToJson(MakeFullReport()).dump(2);
  for (size_t cut : {size_t{1}, text.size() / 3, text.size() / 2, text.size() - 1}) {
    WriteRaw(path, text.substr(0, cut));
    const std::string msg = ErrorOf([&] { ReadReport(path); });
    EXPECT_TRUE(StartsWith(msg, path + ": ")) << msg;
    EXPECT_EQ(msg.find('\n'), std::string::npos) << msg;
  }
}

TEST(ReportFile, BadPathsAreOneLineErrors) {
  TempDir dir;
  WriteRaw(dir / "empty.json", "");
  WriteRaw(dir / "blank.json", "  \n\n");
  WriteRaw(dir / "array.json", "[1, 2, 3]\n");
  WriteRaw(dir / "v3.json", R"({"schema": "actbench-report", "schema_version": 3})");
  WriteRaw(dir / "binary.json", std::string("\x00\xff\xfe{", 4));
  fs::create_directory(dir / "a-directory.json");
  for (const char* name :
       {"empty.json", "blank.json", "array.json", "v3.json", "binary.json", "a-directory.json",
        "does-not-exist.json"}) {
    const std::string path = dir / name;
    const std::string msg = ErrorOf([&] { ReadReport(path); });
    EXPECT_TRUE(StartsWith(msg, path + ": ")) << msg;
    EXPECT_EQ(msg.find('\n'), std::string::npos) << msg;
  }
  EXPECT_NE(ErrorOf([&] { ReadReport(dir / "v3.json"); }).find("schema_version"), std::string::npos);
}

TEST(ReportFile, WriteFileAtomicWritesAndLeavesNoTemporary) {
  TempDir dir;
  const std::string path = dir / "out.md";
  std::string big(1 << 20, 'x');  // more than one write() may take
  big += "\n\xe2\x9c\x93 end\n";
  WriteFileAtomic(path, big);
  EXPECT_EQ(Slurp(path), big);
  WriteFileAtomic(path, "second\n");  // replaces, not appends
  EXPECT_EQ(Slurp(path), "second\n");
  WriteFileAtomic(dir / "empty", "");
  EXPECT_TRUE(fs::exists(dir / "empty"));
  EXPECT_EQ(fs::file_size(dir / "empty"), 0u);
  std::vector<std::string> entries = dir.Entries();
  std::sort(entries.begin(), entries.end());
  EXPECT_EQ(entries, (std::vector<std::string>{"empty", "out.md"}));
}

TEST(ReportFile, WriteFileAtomicFailsCleanly) {
  TempDir dir;
  const std::string old_file = dir / "old.json";
  WriteRaw(old_file, "old content");

  // The parent does not exist; the parent is a regular file. (Tests may run as
  // root, for whom permission bits stop nothing, so those are not used.)
  for (const std::string& path : {dir / "no-such-dir/report.json", old_file + "/report.json"}) {
    const std::string msg = ErrorOf([&] { WriteFileAtomic(path, "new content"); });
    EXPECT_TRUE(StartsWith(msg, "cannot write " + path + ": ")) << msg;
    EXPECT_EQ(msg.find('\n'), std::string::npos) << msg;
    EXPECT_EQ(Slurp(old_file), "old content");
  }

  // The temporary is created but cannot be renamed over the target (a
  // non-empty directory): the error is reported and the temporary removed.
  const std::string target = dir / "occupied";
  fs::create_directory(target);
  WriteRaw(target + "/keep", "kept");
  const std::string msg = ErrorOf([&] { WriteFileAtomic(target, "new content"); });
  EXPECT_TRUE(StartsWith(msg, "cannot write " + target + ": ")) << msg;
  EXPECT_EQ(Slurp(target + "/keep"), "kept");
  EXPECT_EQ(Slurp(old_file), "old content");
  std::vector<std::string> entries = dir.Entries();
  std::sort(entries.begin(), entries.end());
  EXPECT_EQ(entries, (std::vector<std::string>{"occupied", "old.json"}));
}

// ---------------------------------------------------------------------------
// Rows from the registry

TEST(ReportRow, MakeRowCopiesIdentityAndPromise) {
  std::vector<const Variant*> all;
  for (const Variant& v : Variants()) all.push_back(&v);
  for (const VariantTarget& vt : RunnableTargets(all)) {
    SCOPED_TRACE(vt.label());
    const ReportRow row = MakeRow(vt);
    EXPECT_EQ(row.label(), vt.label());
    EXPECT_EQ(row.family, vt.variant->family);
    EXPECT_EQ(row.computes, GetActivation(vt.variant->computes).name);
    EXPECT_EQ(row.description, vt.variant->description);
    EXPECT_SAME_FP(row.promise.max_ulp, vt.promised_ulp());  // per target
    EXPECT_SAME_FP(row.promise.domain_lo, vt.variant->promise.domain_lo);
    EXPECT_SAME_FP(row.promise.domain_hi, vt.variant->promise.domain_hi);
    EXPECT_EQ(row.promise.note, vt.variant->promise.note);
    EXPECT_FALSE(row.accuracy.has_value());
    EXPECT_TRUE(row.bench.empty());
    // Every row the registry can produce survives the round trip.
    Report r;
    r.machine = json::object();  // a null machine is written as {}
    r.config = json::object();
    r.rows = {row};
    ExpectSameReport(r, ReportFromJson(json::parse(ToJson(r).dump())));
  }
}

// ---------------------------------------------------------------------------
// Machine description

TEST(Machine, DescribesCpuCompilerLibrariesAndDate) {
  const json m = DescribeMachine();
  ASSERT_TRUE(m.is_object());
  ASSERT_TRUE(m.at("cpu").at("model").is_string());
  EXPECT_FALSE(m["cpu"]["model"].get<std::string>().empty());
  EXPECT_TRUE(m["cpu"].at("flags").is_array());
  EXPECT_GE(m["cpu"].at("logical_cores").get<int64_t>(), 0);
  EXPECT_TRUE(m["cpu"].at("caches").is_array());

  const std::string compiler = m.at("compiler");
  EXPECT_TRUE(StartsWith(compiler, "gcc ") || StartsWith(compiler, "clang ")) << compiler;

  const std::regex version(R"(\d+\.\d+\.\d+)");
  const json& libs = m.at("libraries");
  EXPECT_TRUE(std::regex_match(libs.at("highway").get<std::string>(), version)) << libs.dump();
  for (const char* lib : {"benchmark", "boost", "mpfr", "gmp", "fmt", "nlohmann_json"}) {
    ASSERT_TRUE(libs.at(lib).is_string()) << lib;
    EXPECT_FALSE(libs[lib].get<std::string>().empty()) << lib;
  }

  const std::string date = m.at("date");
  EXPECT_TRUE(std::regex_match(date, std::regex(R"(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z)"))) << date;

  // Supported targets are a subset of the compiled ones, and not empty: at
  // least the baseline target Highway always compiles runs here.
  const json& compiled = m.at("targets").at("compiled");
  const json& supported = m["targets"].at("supported");
  EXPECT_FALSE(supported.empty());
  for (const json& t : supported) {
    EXPECT_NE(std::find(compiled.begin(), compiled.end(), t), compiled.end()) << t;
  }

  const std::string commit = m.at("git").at("commit");
  EXPECT_TRUE(commit == "unknown" || std::regex_match(commit, std::regex("[0-9a-f]{40}"))) << commit;
  for (const char* key : {"os", "hostname", "build_type", "actbench_version"}) {
    EXPECT_TRUE(m.contains(key)) << key;
  }

  // A real machine description goes through the report unchanged.
  Report r;
  r.machine = m;
  EXPECT_EQ(ReportFromJson(json::parse(ToJson(r).dump())).machine, m);
}

// ---------------------------------------------------------------------------
// Markdown

// The lines of text, and the section (between "## " headings) that starts
// with a given heading.
std::vector<std::string> Lines(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

std::vector<std::string> Section(const std::string& text, const std::string& heading) {
  std::vector<std::string> out;
  bool in = false;
  for (const std::string& line : Lines(text)) {
    if (StartsWith(line, "## ")) in = line == "## " + heading;
    else if (in) out.push_back(line);
  }
  return out;
}

size_t CountTableRows(const std::vector<std::string>& lines, const std::string& first_cell) {
  size_t n = 0;
  for (const std::string& l : lines) n += StartsWith(l, "| " + first_cell + " |");
  return n;
}

Report MarkdownReport() {
  Report r = MakeFullReport();
  r.rows.resize(2);  // the two forward rows; the tests below index what follows
  r.rows[0].accuracy->promise_held = true;
  r.rows[0].accuracy->contract = {true, 0, {}};
  ReportRow sigmoid = r.rows[1];
  sigmoid.activation = "sigmoid";
  sigmoid.variant = "exp-div";
  sigmoid.accuracy = AccuracyResult{};
  r.rows.push_back(sigmoid);
  sigmoid.target = "AVX3";
  r.rows.push_back(sigmoid);
  return r;
}

TEST(Markdown, OneTableRowPerReportRow) {
  const Report r = MarkdownReport();
  const std::string md = RenderMarkdown(r);
  for (const ReportRow& row : r.rows) {
    SCOPED_TRACE(row.label());
    const std::vector<std::string> section = Section(md, row.activation);
    ASSERT_FALSE(section.empty());
    EXPECT_EQ(CountTableRows(section, row.variant + "@" + row.target), 1u);
    // Every table line has as many cells as the header.
    size_t columns = 0;
    for (const std::string& l : section) {
      if (!StartsWith(l, "|")) continue;
      size_t bars = 0;
      for (size_t i = 0; i < l.size(); ++i) bars += l[i] == '|' && (i == 0 || l[i - 1] != '\\');
      if (columns == 0) columns = bars;
      EXPECT_EQ(bars, columns) << l;
    }
  }
  // Machine heading.
  EXPECT_NE(md.find("Test CPU"), std::string::npos);
  EXPECT_NE(md.find("2026-11-22T10:52:04Z"), std::string::npos);
  EXPECT_NE(md.find("0123456789ab"), std::string::npos);
  // Infinite ULP is spelled out; the approximation row is also scored vs gelu.
  const std::vector<std::string> gelu = Section(md, "gelu_tanh");
  bool has_inf = false, has_vs = false;
  for (const std::string& l : gelu) {
    has_inf = has_inf || (StartsWith(l, "| tanh-form@AVX2 |") && l.find("| inf |") != std::string::npos);
    has_vs = has_vs || l.find("vs gelu") != std::string::npos;
  }
  EXPECT_TRUE(has_inf);
  EXPECT_TRUE(has_vs);
  // No per-input dumps: the worst inputs' hex forms never appear.
  EXPECT_EQ(md.find("0x1.8p+1"), std::string::npos);
}

TEST(Markdown, BrokenSectionSaysNoneOrListsTheRows) {
  Report r = MarkdownReport();
  std::vector<std::string> broken = Section(RenderMarkdown(r), "Broken promises and contract failures");
  auto contains = [](const std::vector<std::string>& lines, const std::string& s) {
    for (const std::string& l : lines) {
      if (l.find(s) != std::string::npos) return true;
    }
    return false;
  };
  EXPECT_TRUE(contains(broken, "none"));

  r.rows[2].accuracy->promise_held = false;
  r.rows[3].accuracy->contract = {false, 2, {"x=nan: got 0", "x=inf: got nan"}};
  broken = Section(RenderMarkdown(r), "Broken promises and contract failures");
  EXPECT_FALSE(contains(broken, "none"));
  EXPECT_TRUE(contains(broken, r.rows[2].label()));
  EXPECT_TRUE(contains(broken, r.rows[3].label()));
  EXPECT_TRUE(contains(broken, "x=nan: got 0"));
  EXPECT_FALSE(contains(broken, "x=inf: got nan"));  // the first example only
  EXPECT_FALSE(contains(broken, r.rows[0].label()));
  EXPECT_FALSE(contains(broken, r.rows[1].label()));  // accuracy not run: nothing broken
}

TEST(Markdown, EmptyReportAndMissingMachineFields) {
  Report r;
  r.machine = {{"cpu", 3}, {"git", {{"commit", nullptr}}}};
  const std::string md = RenderMarkdown(r);
  EXPECT_NE(md.find("unknown"), std::string::npos);
  EXPECT_TRUE(Section(md, "Broken promises and contract failures").size() > 0);
}

}  // namespace
}  // namespace actbench
