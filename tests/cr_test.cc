// The correctly rounded (-cr) kernels (impls/simd/cr_variants.cc): their
// exceptions tables hold what the multiprecision reference says, and every
// target's kernel returns the correctly rounded float on the table's inputs,
// on the inputs near a midpoint that the scan marks, and on a spread sample.
// (All 2^32 inputs per target: `actbench accuracy --exhaustive`, recorded in
// docs/results.md.)
#include <cmath>
#include <cstdint>
#include <random>
#include <set>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <hwy/targets.h>

#include "accuracy/reference.h"
#include "accuracy/ulp.h"
#include "impls/activation.h"
#include "impls/simd/cr.h"
#include "impls/simd/cr_exceptions.h"
#include "impls/variant.h"

namespace actbench {
namespace {

bool Same(float a, float b) { return FloatBits(a) == FloatBits(b) || (std::isnan(a) && std::isnan(b)); }

struct Table {
  const char* activation;
  CrTable table;
};
const Table kTables[] = {{"sigmoid", MakeCrTable(kCrSigmoidExceptions)}, {"tanh", MakeCrTable(kCrTanhExceptions)},
                         {"gelu", MakeCrTable(kCrGeluExceptions)},       {"silu", MakeCrTable(kCrSiluExceptions)},
                         {"elu", MakeCrTable(kCrEluExceptions)},         {"mish", MakeCrTable(kCrMishExceptions)},
                         {"softplus", MakeCrTable(kCrSoftplusExceptions)}};

Params Defaults(const std::string& activation) { return DefaultParams(*FindActivation(activation)); }

const Variant& CrVariant(const std::string& activation) {
  for (const Variant& v : Variants())
    if (v.family == "simd" && std::string(GetActivation(v.activation).name) == activation &&
        v.name.size() > 3 && v.name.compare(v.name.size() - 3, 3, "-cr") == 0)
      return v;
  throw std::runtime_error("no -cr variant of " + activation);
}

// Every activation with a -cr kernel has a table here, and the other way round.
TEST(CrExceptions, OneTablePerCrKernel) {
  std::set<std::string> scanned, tables;
  for (const CrScanKernel& k : CrScanKernels()) scanned.insert(k.activation);
  for (const Table& t : kTables) tables.insert(t.activation);
  EXPECT_EQ(scanned, tables);
  for (const Table& t : kTables) EXPECT_NO_THROW(CrVariant(t.activation)) << t.activation;
}

// Sorted by input, ended by the marker, and each entry the correctly rounded
// value of its input (MPFR, 201 bits).
TEST(CrExceptions, TablesHoldTheCorrectlyRoundedValues) {
  for (const Table& t : kTables) {
    const Activation* act = FindActivation(t.activation);
    ASSERT_NE(act, nullptr);
    const Params p = Defaults(t.activation);
    ASSERT_GE(t.table.end - t.table.begin, 1);
    EXPECT_EQ((t.table.end - 1)->x, 0xffffffffu) << t.activation << ": no end marker";
    for (const CrException* e = t.table.begin; e + 1 < t.table.end; ++e) {
      EXPECT_LT(e->x, (e + 1)->x) << t.activation << ": not sorted at " << e - t.table.begin;
      const float x = FloatFromBits(e->x);
      EXPECT_EQ(FloatBits(Reference(act->id, x, p).rounded), e->y) << t.activation << "(" << x << ")";
    }
  }
}

// Inputs each kernel must round correctly: the tables' inputs, the inputs a
// scan marks near a midpoint among 2^20 inputs of [2^-23, 2^-22) (every 8th
// pattern; there sigmoid's 1/2 + x/4 sits next to midpoints), and a spread
// over all bit patterns and over [-20, 20] with the special values.
std::vector<float> Inputs(const std::string& activation, const CrTable& table) {
  std::vector<float> in;
  for (const CrException* e = table.begin; e + 1 < table.end; ++e) in.push_back(FloatFromBits(e->x));
  std::mt19937 rng(11);
  for (int i = 0; i < 30000; ++i) in.push_back(FloatFromBits(static_cast<uint32_t>(rng())));
  std::uniform_real_distribution<float> wide(-20.0f, 20.0f);
  for (int i = 0; i < 30000; ++i) in.push_back(wide(rng));
  for (float s : {0.0f, -0.0f, INFINITY, -INFINITY, NAN, 1e-45f, -1e-45f, 3.4e38f, -3.4e38f, 8.0f, -14.8f})
    in.push_back(s);
  // Marked by a scan: near a midpoint (on this CPU's best target).
  for (const CrScanKernel& k : CrScanKernels()) {
    if (k.activation != activation) continue;
    std::vector<float> window(1 << 20), y(window.size());
    std::vector<uint8_t> marked(window.size());
    for (size_t i = 0; i < window.size(); ++i) window[i] = FloatFromBits(0x34000000u + static_cast<uint32_t>(i) * 8);
    k.scan(window.data(), y.data(), marked.data(), window.size(), Defaults(activation));
    size_t count = 0;
    for (size_t i = 0; i < window.size(); ++i)
      if (marked[i]) in.push_back(window[i]), ++count;
    std::printf("%s: %zu of %zu inputs near 2^-23 marked near a midpoint on %s\n", activation.c_str(), count,
                window.size(), k.variant.c_str());
    break;
  }
  return in;
}

TEST(CrKernels, CorrectlyRoundedOnEveryTarget) {
  for (const Table& t : kTables) {
    const Params p = Defaults(t.activation);
    const Variant& v = CrVariant(t.activation);
    const std::vector<float> in = Inputs(t.activation, t.table);
    const std::vector<RefValue> ref = ReferenceArray(v.computes, in, p);
    ASSERT_FALSE(v.kernels.empty());
    for (const TargetKernel& k : v.kernels) {
      std::vector<float> out(in.size());
      k.Run(in.data(), out.data(), in.size(), p);
      int shown = 0;
      size_t wrong = 0;
      for (size_t i = 0; i < in.size(); ++i) {
        if (Same(out[i], ref[i].rounded)) continue;
        ++wrong;
        if (shown++ < 5)
          ADD_FAILURE() << v.id() << "@" << k.target << "(" << std::hexfloat << in[i] << ") = " << out[i]
                        << ", correctly rounded " << ref[i].rounded;
      }
      EXPECT_EQ(wrong, 0u) << v.id() << "@" << k.target << " of " << in.size();
    }
  }
}

// The table is what makes the difference: without it (the scan form), the
// tables' inputs round the wrong way on at least one target.
TEST(CrKernels, TheTablesInputsNeedTheTable) {
  for (const Table& t : kTables) {
    std::vector<float> in;
    for (const CrException* e = t.table.begin; e + 1 < t.table.end; ++e) in.push_back(FloatFromBits(e->x));
    if (in.empty()) continue;
    std::vector<bool> wrong_somewhere(in.size(), false);
    for (const CrScanKernel& k : CrScanKernels()) {
      if (k.activation != t.activation) continue;
      std::vector<float> y(in.size());
      std::vector<uint8_t> marked(in.size());
      k.scan(in.data(), y.data(), marked.data(), in.size(), Defaults(t.activation));
      for (size_t i = 0; i < in.size(); ++i) {
        EXPECT_TRUE(marked[i] || FloatBits(y[i]) == (t.table.begin + i)->y)
            << t.activation << ": an exception not marked near a midpoint on " << hwy::TargetName(k.target);
        if (FloatBits(y[i]) != (t.table.begin + i)->y) wrong_somewhere[i] = true;
      }
    }
    size_t needed = 0;
    for (bool w : wrong_somewhere) needed += w;
    // Entries found on a target this CPU lacks may round right on the ones it has.
    std::printf("%s: %zu of %zu table entries round the wrong way without the table on this CPU's targets\n",
                t.activation, needed, in.size());
    EXPECT_GT(needed, 0u) << t.activation;
  }
}

}  // namespace
}  // namespace actbench
