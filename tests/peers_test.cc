// Peer libraries (impls/peers/): registered when found, versions in the
// report, peer rows marked in every writer, creation timed outside the loop.
// Memory safety, promises and the contract of every peer row are held by
// kernels_test.cc, which iterates over every registered variant.
#include <algorithm>
#include <cmath>
#include <cstring>
#include <set>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "bench/bench.h"
#include "impls/variant.h"
#include "reports/csv.h"
#include "reports/html.h"
#include "reports/machine.h"
#include "reports/markdown.h"
#include "reports/report.h"

namespace actbench {
namespace {

std::vector<const Variant*> Peers() {
  std::vector<const Variant*> out;
  for (const Variant& v : Variants())
    if (v.family == "peer") out.push_back(&v);
  return out;
}

TEST(Peers, EveryLibraryFoundIsRegisteredWithItsVersion) {
  if (PeerLibraries().empty()) GTEST_SKIP() << "no peer library was found at configure time";
  for (const PeerLibrary& l : PeerLibraries()) {
    EXPECT_FALSE(l.version.empty()) << l.name;
    EXPECT_EQ(PeerVersion(l.name), l.version);
    size_t rows = 0;
    for (const Variant* v : Peers()) rows += v->library == l.name ? v->kernels.size() : 0;
    EXPECT_GT(rows, 0u) << l.name << " was found but registers nothing";
  }
  // Every peer names a compiled-in library; none of ours does.
  for (const Variant& v : Variants()) {
    if (v.family == "peer") EXPECT_FALSE(PeerVersion(v.library).empty()) << v.id();
    else EXPECT_TRUE(v.library.empty()) << v.id();
  }
  EXPECT_EQ(PeerVersion("no-such-library"), "");
}

// Per-ISA peers (SLEEF, Eigen) are gated on the CPU as our own targets are.
TEST(Peers, PerIsaKernelsAreGatedOnTheCpu) {
  const std::vector<std::string> supported = SupportedTargetNames();
  for (const Variant* v : Peers()) {
    for (const TargetKernel& k : v->kernels) {
      if (k.hwy_target == 0) continue;  // the library dispatches itself
      const bool listed = std::find(supported.begin(), supported.end(), k.target) != supported.end();
      EXPECT_EQ(TargetSupported(k), listed) << v->id() << "@" << k.target;
    }
  }
}

// prepare() then the kernel gives what the kernel gives alone (which creates
// on first use), for every n the caches see.
TEST(Peers, PrepareIsOnlyAnEarlierCreation) {
  std::vector<float> in(300);
  for (size_t i = 0; i < in.size(); ++i) in[i] = -9.0f + 0.061f * static_cast<float>(i);
  std::vector<const Variant*> vs = Peers();
  int checked = 0;
  for (const VariantTarget& vt : RunnableTargets(vs)) {
    if (!vt.kernel->prepare) continue;
    const Params p = DefaultParams(GetActivation(vt.variant->activation));
    // Backward rows (oneDNN's eltwise backward) take the gradients too.
    const std::vector<float> dy(in.rbegin(), in.rend());
    auto run = [&](float* out, size_t n) {
      if (vt.kernel->backward())
        vt.kernel->Run(in.data(), dy.data(), out, n, p);
      else
        vt.kernel->Run(in.data(), out, n, p);
    };
    for (size_t n : {size_t{0}, size_t{1}, size_t{17}, size_t{300}}) {
      std::vector<float> a(n), b(n);
      run(a.data(), n);
      vt.kernel->prepare(n, p);
      vt.kernel->prepare(n, p);  // repeating is a cache hit
      run(b.data(), n);
      EXPECT_TRUE(n == 0 || std::memcmp(a.data(), b.data(), n * sizeof(float)) == 0) << vt.label() << " n=" << n;
    }
    ++checked;
  }
  if (checked == 0) GTEST_SKIP() << "no peer with a creation step (oneDNN, XNNPACK) was found";
}

// The benchmark runs prepare() before the timed loop and reports its cost;
// variants without one report 0.
TEST(Peers, BenchReportsCreationApartFromThroughput) {
  std::vector<const Variant*> vs;
  for (const Variant* v : Peers())
    if (!v->kernels.empty() && v->kernels.front().prepare) {
      vs.push_back(v);
      break;
    }
  if (vs.empty()) GTEST_SKIP() << "no peer with a creation step (oneDNN, XNNPACK) was found";
  vs.push_back(FindVariant("relu/max"));
  BenchOptions o;
  o.sizes = {{"tiny", 1024}};
  o.min_time = 0.01;
  o.show_console = false;
  const std::vector<BenchResult> results = RunBenchmarks(RunnableTargets(vs), o);
  ASSERT_EQ(results.size(), 2u);
  EXPECT_GT(results[0].creation_ns, 0) << results[0].label;
  EXPECT_GT(results[0].elements_per_second, 0);
  EXPECT_EQ(results[1].creation_ns, 0) << results[1].label;
}

Report PeerReport() {
  Report r;
  r.machine = DescribeMachine();
  std::vector<const Variant*> vs = Peers();
  vs.push_back(FindVariant("sigmoid/exp-div-f32"));
  for (const VariantTarget& vt : RunnableTargets(vs)) {
    ReportRow row = MakeRow(vt);
    BenchResult b;
    b.label = row.label();
    b.size_label = "L1";
    b.n = 64;
    b.bytes = 512;
    b.iterations = 1;
    b.elements_per_second = 1e9;
    b.samples = {1e9};
    b.creation_ns = vt.kernel->prepare ? 12345.0 : 0.0;
    row.bench.push_back(b);
    r.rows.push_back(std::move(row));
  }
  return r;
}

TEST(Peers, VersionsAndMarksSurviveTheJsonRoundTrip) {
  if (PeerLibraries().empty()) GTEST_SKIP() << "no peer library was found at configure time";
  const Report r = PeerReport();
  for (const PeerLibrary& l : PeerLibraries()) EXPECT_EQ(r.machine.at("peers").at(l.name), l.version);
  const Report back = ReportFromJson(ToJson(r));
  ASSERT_EQ(back.rows.size(), r.rows.size());
  for (size_t i = 0; i < r.rows.size(); ++i) {
    const ReportRow& a = r.rows[i];
    const ReportRow& b = back.rows[i];
    EXPECT_EQ(a.is_peer(), !a.peer_library.empty()) << a.label();
    EXPECT_EQ(b.peer_library, a.peer_library);
    EXPECT_EQ(b.peer_version, a.peer_version);
    EXPECT_EQ(b.bench.at(0).creation_ns, a.bench.at(0).creation_ns);
    if (a.is_peer()) {
      EXPECT_EQ(a.peer_version, PeerVersion(a.peer_library));
    }
  }
  // Our own rows carry "peer": null.
  const nlohmann::json j = ToJson(r);
  EXPECT_TRUE(j.at("rows").back().at("peer").is_null());
}

TEST(Peers, EveryWriterMarksPeerRowsAndNamesVersions) {
  if (PeerLibraries().empty()) GTEST_SKIP() << "no peer library was found at configure time";
  const Report r = PeerReport();
  const std::string md = RenderMarkdown(r), csv = RenderCsv(r), html = RenderHtml(r);
  for (const ReportRow& row : r.rows) {
    if (!row.is_peer()) continue;
    const std::string text = row.peer_text();
    EXPECT_NE(md.find("| " + row.variant + "@" + row.target + " | *peer: " + text + "*"), std::string::npos)
        << row.label();
    EXPECT_NE(csv.find("," + row.peer_library + "," + row.peer_version + ","), std::string::npos) << row.label();
  }
  for (const PeerLibrary& l : PeerLibraries()) {
    EXPECT_NE(md.find(l.name + " " + l.version), std::string::npos) << l.name;
    EXPECT_NE(html.find(l.name + " " + l.version), std::string::npos) << l.name;
  }
  EXPECT_NE(html.find("<tr class=\"peer\">"), std::string::npos);
  bool any_creation = false;
  for (const ReportRow& row : r.rows) any_creation |= row.bench.at(0).creation_ns > 0;
  if (any_creation) {
    EXPECT_NE(md.find("creation 12.3 us at L1 (outside the timed loop)"), std::string::npos);
    EXPECT_NE(html.find("creation 12.3 us at L1"), std::string::npos);
  }
  // The CSV header names the new columns; our own row leaves them empty.
  EXPECT_NE(csv.find("peer_library,peer_version,creation_ns\r\n"), std::string::npos);
}

}  // namespace
}  // namespace actbench
