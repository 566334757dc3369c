#include "accuracy/exhaustive.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstring>
#include <limits>
#include <memory>
#include <set>

#include "accuracy/fast_reference.h"
#include "accuracy/score.h"
#include "accuracy/ulp.h"

namespace actbench {
namespace {

constexpr size_t kChunk = kExhaustiveChunk;
constexpr size_t kContractExamples = 5;

double SecondsSince(std::chrono::steady_clock::time_point t0) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

// What the sweep does with each row, fixed before the threads start.
struct RowPlan {
  const VariantTarget* vt;
  Params params;
  Act computes;
  std::vector<Act> also;
  const Activation* computes_act;
  Range range;
};

struct SweepPlan {
  std::vector<RowPlan> rows;
  std::set<Act> acts;                  // the references computed per chunk
  std::map<Act, Params> act_params;    // their parameters
  // Per row, the rows of its variant (other targets), in row order: the rows
  // whose outputs may be identical and share a score.
  std::vector<std::vector<size_t>> group;
  // Rows of one activation scored against the same references (what they
  // compute, what they are also scored against; so the same parameters and
  // range): a reference key per row, and the rows of each key, which share
  // the correctly rounded reference's own score of a chunk.
  std::vector<size_t> self_key;
  std::vector<std::vector<size_t>> key_rows;
};

SweepPlan PlanSweep(const std::vector<VariantTarget>& rows) {
  SweepPlan sp;
  for (const VariantTarget& vt : rows) {
    RowPlan pl;
    pl.vt = &vt;
    pl.params = DefaultParams(GetActivation(vt.variant->activation));
    pl.computes = vt.variant->computes;
    pl.computes_act = &GetActivation(pl.computes);
    if (vt.variant->activation != pl.computes) pl.also.push_back(vt.variant->activation);
    if (const Activation* exact = FindActivation(pl.computes_act->approximates);
        exact && exact->id != pl.computes && exact->id != vt.variant->activation)
      pl.also.push_back(exact->id);
    pl.range = OutputRange(*pl.computes_act, pl.params);
    // A from-output backward row is given the correctly rounded forward values.
    if (vt.variant->from_output) sp.acts.insert(GetActivation(vt.variant->activation).forward);
    sp.acts.insert(pl.computes);
    for (Act a : pl.also) sp.acts.insert(a);
    sp.rows.push_back(std::move(pl));
  }
  for (Act a : sp.acts) sp.act_params[a] = DefaultParams(GetActivation(a));
  const size_t n = sp.rows.size();
  sp.group.resize(n);
  for (size_t k = 0; k < n; ++k)
    for (size_t j = 0; j < n; ++j)
      if (sp.rows[j].vt->variant == sp.rows[k].vt->variant) sp.group[k].push_back(j);
  auto same_key = [](const RowPlan& a, const RowPlan& b) {
    return a.vt->variant->activation == b.vt->variant->activation && a.computes == b.computes && a.also == b.also;
  };
  sp.self_key.resize(n);
  for (size_t k = 0; k < n; ++k) {
    size_t key = 0;
    while (key < sp.key_rows.size() && !same_key(sp.rows[sp.key_rows[key][0]], sp.rows[k])) ++key;
    if (key == sp.key_rows.size()) sp.key_rows.emplace_back();
    sp.key_rows[key].push_back(k);
    sp.self_key[k] = key;
  }
  return sp;
}

// Empty stats of a row: against what it computes, and against each `also`.
void SetEmpty(const RowPlan& pl, ErrorStats& error, std::vector<ErrorStats>& also) {
  error = EmptyErrorStats(pl.computes_act->name);
  also.clear();
  for (Act a : pl.also) also.push_back(EmptyErrorStats(GetActivation(a).name));
}

// One row's score of one chunk, folded into the row (and into the rows of
// other targets with identical outputs, or, for the correctly rounded
// reference's own score, into every row of that reference whose outputs are
// those).
struct ChunkScore {
  ErrorStats error;
  std::vector<ErrorStats> also;
  double max_ulp = 0;
  uint64_t contract_failures = 0;
  std::vector<std::string> contract_examples;
  void Reset() {
    error = EmptyErrorStats(error.against);
    for (ErrorStats& a : also) a = EmptyErrorStats(a.against);
    max_ulp = 0;
    contract_failures = 0;
    contract_examples.clear();
  }
};

// One thread's share of a sweep: it computes the references of a chunk,
// runs every row's kernel on it and scores the outputs, and keeps per row
// the combination of the chunks it did (combined across threads at the end).
class ChunkScorer {
 public:
  explicit ChunkScorer(const SweepPlan& sp);
  void Process(const Chunk& c);

  struct RowAcc {
    AccuracyResult r;
    std::vector<std::pair<uint32_t, std::string>> examples;  // by chunk start bits
  };
  std::vector<RowAcc> rows;
  std::map<Act, uint64_t> fallbacks, inputs;
  std::map<Act, double> reference_s;
  std::vector<double> kernel_s, score_s;
  std::vector<uint64_t> shared, rounded;
  // Per variant, on its first row: inputs where another target's output bits
  // differ from that row's.
  std::vector<uint64_t> differing;

 private:
  // The chunk being processed and what is known of it.
  struct ChunkView {
    const float* x;
    size_t off, n;
    uint32_t lo;
    bool special;  // NaN and infinities
    size_t binade;
    double x_min, x_max;
  };
  void ComputeReferences(const ChunkView& v);
  // Scores outputs y of row k's variant into cs. A chunk score may be folded
  // into any of the rows floor_rows (rows of one variant, or all rows of one
  // reference), so its worst inputs need only reach past the least of their
  // lists.
  void Score(const ChunkView& v, size_t k, const float* y, ChunkScore& cs, const std::vector<size_t>& floor_rows);
  // Row k's largest error inside its promise's domain (the chunk whole
  // inside, outside, or checked per input).
  double InDomain(const ChunkView& v, size_t k, const float* y, double chunk_max);
  // act's reference with every entry written (RefChunk::Complete).
  const RefChunk& Complete(Act act);
  void Fold(const ChunkView& v, size_t k, const ChunkScore& cs, double max_in_domain);

  const SweepPlan& sp_;
  std::vector<float> block_;
  // Backward rows: dy = 1, and the forward outputs for from-output rows (the
  // entries outside this chunk's range [off, off + n) are never scored).
  const std::vector<float> ones_;
  std::vector<float> forward_y_;
  std::vector<std::vector<float>> outs_;
  std::vector<ChunkScore> chunk_;              // per row, this chunk's score
  std::vector<ChunkScore> self_;               // per reference key, the rounded reference's score
  std::vector<const ChunkScore*> chunk_of_;    // row k's score of this chunk
  std::vector<char> self_ready_;
  std::vector<std::vector<uint8_t>> diff_;     // per variant's first row: this chunk's differing inputs
  std::map<Act, RefChunk> refs_;
  std::vector<float> in_v_, out_v_;
  std::vector<RefValue> ref_v_;
};

ChunkScorer::ChunkScorer(const SweepPlan& sp)
    : sp_(sp), block_(kChunk), ones_(kChunk, 1.0f), forward_y_(kChunk, 0.0f) {
  const size_t n = sp.rows.size();
  rows.resize(n);
  for (size_t k = 0; k < n; ++k) SetEmpty(sp.rows[k], rows[k].r.error, rows[k].r.also);
  outs_.assign(n, std::vector<float>(kChunk));
  chunk_of_.assign(n, nullptr);
  self_ready_.assign(sp.key_rows.size(), 0);
  auto empty_score = [](const RowPlan& pl) {
    ChunkScore cs;
    SetEmpty(pl, cs.error, cs.also);
    return cs;
  };
  for (size_t k = 0; k < n; ++k) chunk_.push_back(empty_score(sp.rows[k]));
  for (const std::vector<size_t>& rows_of_key : sp.key_rows) self_.push_back(empty_score(sp.rows[rows_of_key[0]]));
  kernel_s.assign(n, 0.0);
  score_s.assign(n, 0.0);
  shared.assign(n, 0);
  rounded.assign(n, 0);
  differing.assign(n, 0);
  diff_.resize(n);
  for (size_t k = 0; k < n; ++k)
    if (sp.group[k].size() >= 2 && sp.group[k][0] == k) diff_[k].assign(kChunk, 0);
  for (Act a : sp.acts) {
    refs_[a].Resize(kChunk);
    refs_[a].may_defer = true;
  }
}

const RefChunk& ChunkScorer::Complete(Act act) {
  RefChunk& rc = refs_[act];
  rc.Complete();
  return rc;
}

// One reference pass per activation. The index (PReLU channel) is the
// position in the aligned chunk, as the kernels see it.
void ChunkScorer::ComputeReferences(const ChunkView& v) {
  for (Act a : sp_.acts) {
    const auto t0 = std::chrono::steady_clock::now();
    RefChunk& rc = refs_[a];
    const Params& p = sp_.act_params.at(a);
    const uint64_t fb = ReferenceChunk(a, v.x, v.n, v.off, p, rc);
    fallbacks[a] += fb;
    inputs[a] += v.n;
    reference_s[a] += SecondsSince(t0);
  }
}

void ChunkScorer::Score(const ChunkView& v, size_t k, const float* y, ChunkScore& cs,
                        const std::vector<size_t>& floor_rows) {
  const RowPlan& pl = sp_.rows[k];
  cs.Reset();
  // The floor of the stats `of` picks from a row (its error, or its score
  // against also[j]); false while some list is not full.
  auto floor_of = [&](auto of, WorstInput* floor) {
    for (size_t j : floor_rows) {
      const std::vector<WorstInput>& w = of(rows[j].r).worst;
      if (w.size() < ErrorStats::kWorstKept) return false;
      if (j == floor_rows.front() || !RanksWorse(w.back(), *floor)) *floor = w.back();
    }
    return true;
  };
  WorstInput floor{};
  const bool have_floor = floor_of([](const AccuracyResult& r) -> const ErrorStats& { return r.error; }, &floor);
  // Contract: a full check below only where it can fail (non-finite inputs,
  // a NaN output, or an output outside the range).
  bool suspect = v.special;
  // A reference whose deferred entries these outputs need: not its own
  // rounded floats (one value, or at most ten: the head), nor outputs that
  // ScoreChunk scores from the head.
  auto ref_for = [&](Act a) -> const RefChunk& {
    const RefChunk& r = refs_[a];
    if (r.deferred_to == 0 || y == r.rounded.data() || ScoredAsConstant(r, v.x, y, v.n)) return r;
    return Complete(a);
  };
  cs.max_ulp = ScoreChunk(cs.error, v.x, y, ref_for(pl.computes), v.n, v.binade, pl.range, &suspect,
                          have_floor ? &floor : nullptr);
  for (size_t j = 0; j < pl.also.size(); ++j) {
    WorstInput also_floor{};
    const bool have = floor_of([j](const AccuracyResult& r) -> const ErrorStats& { return r.also[j]; }, &also_floor);
    ScoreChunk(cs.also[j], v.x, y, ref_for(pl.also[j]), v.n, v.binade, pl.range, nullptr, have ? &also_floor : nullptr);
  }
  if (suspect) {
    in_v_.assign(v.x, v.x + v.n);
    out_v_.assign(y, y + v.n);
    const RefChunk& rc = Complete(pl.computes);
    ref_v_.resize(v.n);
    for (size_t i = 0; i < v.n; ++i) ref_v_[i] = {rc.exact[i], rc.rounded[i]};
    const ContractResult cr = CheckContract(*pl.computes_act, pl.params, in_v_, out_v_, ref_v_);
    cs.contract_failures = cr.failures;
    cs.contract_examples = cr.examples;
  }
}

double ChunkScorer::InDomain(const ChunkView& v, size_t k, const float* y, double chunk_max) {
  const Promise& pr = sp_.rows[k].vt->variant->promise;
  if (v.special || v.x_max < pr.domain_lo || v.x_min > pr.domain_hi) return 0.0;
  if (v.x_min >= pr.domain_lo && v.x_max <= pr.domain_hi) return chunk_max;
  const RefChunk& rc = Complete(sp_.rows[k].computes);
  double m = 0;
  for (size_t i = 0; i < v.n; ++i)
    if (v.x[i] >= pr.domain_lo && v.x[i] <= pr.domain_hi)
      m = std::max(m, UlpError(y[i], rc.exact[i], rc.rounded[i]));
  return m;
}

void ChunkScorer::Fold(const ChunkView& v, size_t k, const ChunkScore& cs, double max_in_domain) {
  RowAcc& acc = rows[k];
  CombineErrorStatsInto(acc.r.error, cs.error);
  for (size_t j = 0; j < cs.also.size(); ++j) CombineErrorStatsInto(acc.r.also[j], cs.also[j]);
  acc.r.max_ulp_in_domain = std::max(acc.r.max_ulp_in_domain, max_in_domain);
  acc.r.contract.failures += cs.contract_failures;
  if (!cs.contract_examples.empty()) {
    for (const std::string& ex : cs.contract_examples) acc.examples.emplace_back(v.lo, ex);
    std::stable_sort(acc.examples.begin(), acc.examples.end(),
                     [](const auto& a, const auto& b) { return a.first < b.first; });
    if (acc.examples.size() > kContractExamples) acc.examples.resize(kContractExamples);
  }
}

void ChunkScorer::Process(const Chunk& c) {
  for (size_t i = 0; i < kChunk; ++i) block_[i] = FloatFromBits(c.base + static_cast<uint32_t>(i));
  ChunkView v;
  v.off = c.offset();
  v.n = c.size();
  v.x = block_.data() + v.off;
  v.lo = c.lo;
  const uint32_t field = c.base >> 23;  // sign and exponent: one per chunk
  v.special = (field & 0xff) == 0xff;
  v.binade = v.special ? kBinadeCount : BinadeIndex(v.x[0]);
  const double x_first = v.x[0], x_last = v.x[v.n - 1];
  v.x_min = std::min(x_first, x_last);
  v.x_max = std::max(x_first, x_last);
  ComputeReferences(v);

  std::fill(self_ready_.begin(), self_ready_.end(), 0);
  for (size_t k = 0; k < sp_.rows.size(); ++k) {
    const auto t0 = std::chrono::steady_clock::now();
    const RowPlan& pl = sp_.rows[k];
    float* y_all = outs_[k].data();
    const Variant& var = *pl.vt->variant;
    if (var.from_output) {
      const RefChunk& fwd = refs_[GetActivation(var.activation).forward];
      std::copy(fwd.rounded.begin(), fwd.rounded.begin() + v.n, forward_y_.begin() + v.off);
    }
    RunOn(*pl.vt, block_.data(), forward_y_.data(), ones_.data(), y_all, kChunk, pl.params);
    const auto t1 = std::chrono::steady_clock::now();
    const float* y = y_all + v.off;
    // Outputs seen before in this chunk have the very same score: those of
    // an earlier row of the same variant (another target), or the correctly
    // rounded reference itself (saturation, exact functions, tiny inputs:
    // most of the float range for most rows), whose score is computed once
    // per chunk for all rows of that reference.
    // Outputs unlike the variant's first row's mark where they differ.
    const ChunkScore* cs = nullptr;
    for (size_t j : sp_.group[k]) {
      if (j >= k) break;
      if (std::memcmp(outs_[j].data() + v.off, y, v.n * sizeof(float)) == 0) {
        cs = chunk_of_[j];
        ++shared[k];
        break;
      }
      if (j == sp_.group[k][0]) MarkDifferingBits(outs_[j].data() + v.off, y, v.n, diff_[j].data() + v.off);
    }
    const size_t key = sp_.self_key[k];
    const RefChunk& ref = refs_[pl.computes];
    if (!cs && std::memcmp(ref.rounded.data(), y, v.n * sizeof(float)) == 0) {
      if (!self_ready_[key]) {
        Score(v, k, ref.rounded.data(), self_[key], sp_.key_rows[key]);
        self_ready_[key] = 1;
      }
      cs = &self_[key];
      ++rounded[k];
    }
    if (!cs) {
      Score(v, k, y, chunk_[k], sp_.group[k]);
      cs = &chunk_[k];
    }
    chunk_of_[k] = cs;
    Fold(v, k, *cs, InDomain(v, k, y, cs->max_ulp));
    kernel_s[k] += std::chrono::duration<double>(t1 - t0).count();
    score_s[k] += SecondsSince(t1);
  }
  for (size_t k = 0; k < sp_.rows.size(); ++k) {
    if (diff_[k].empty()) continue;
    uint8_t* d = diff_[k].data() + v.off;
    for (size_t i = 0; i < v.n; ++i) differing[k] += d[i];
    std::fill(d, d + v.n, uint8_t{0});
  }
}

}  // namespace

ExhaustiveResult RunExhaustive(const std::vector<VariantTarget>& rows, const ExhaustiveOptions& o) {
  const auto start = std::chrono::steady_clock::now();
  const SweepPlan sp = PlanSweep(rows);
  const size_t n_rows = sp.rows.size();
  std::vector<std::unique_ptr<ChunkScorer>> scorers(ChunkThreads(o));
  const ChunkRunResult run = RunChunks(
      o,
      [&](unsigned t, const Chunk& c) {
        if (!scorers[t]) scorers[t] = std::make_unique<ChunkScorer>(sp);
        scorers[t]->Process(c);
      },
      [](unsigned) { ReleaseThreadCaches(); });  // the MPFR fallback ran on this thread

  // Combine the threads (every combination is order-independent).
  ExhaustiveResult res;
  res.rows.resize(n_rows);
  res.row_kernel_seconds.assign(n_rows, 0.0);
  res.row_score_seconds.assign(n_rows, 0.0);
  res.row_shared_chunks.assign(n_rows, 0);
  res.row_rounded_chunks.assign(n_rows, 0);
  for (size_t k = 0; k < n_rows; ++k) {
    AccuracyResult& r = res.rows[k];
    SetEmpty(sp.rows[k], r.error, r.also);
    std::vector<std::pair<uint32_t, std::string>> examples;
    for (const auto& st : scorers) {
      if (!st) continue;
      const AccuracyResult& f = st->rows[k].r;
      CombineErrorStatsInto(r.error, f.error);
      for (size_t j = 0; j < r.also.size(); ++j) CombineErrorStatsInto(r.also[j], f.also[j]);
      r.max_ulp_in_domain = std::max(r.max_ulp_in_domain, f.max_ulp_in_domain);
      r.contract.failures += f.contract.failures;
      examples.insert(examples.end(), st->rows[k].examples.begin(), st->rows[k].examples.end());
      res.row_kernel_seconds[k] += st->kernel_s[k];
      res.row_score_seconds[k] += st->score_s[k];
      res.row_shared_chunks[k] += st->shared[k];
      res.row_rounded_chunks[k] += st->rounded[k];
    }
    std::stable_sort(examples.begin(), examples.end(),
                     [](const auto& a, const auto& b) { return a.first < b.first; });
    for (size_t i = 0; i < examples.size() && i < kContractExamples; ++i)
      r.contract.examples.push_back(examples[i].second);
    r.contract.pass = r.contract.failures == 0;
    FinishErrorStats(r.error);
    for (ErrorStats& a : r.also) FinishErrorStats(a);
    r.promise_held = r.max_ulp_in_domain <= sp.rows[k].vt->promised_ulp();
  }
  for (const auto& st : scorers) {
    if (!st) continue;
    for (auto& [a, v] : st->fallbacks) res.reference_fallbacks[a] += v;
    for (auto& [a, v] : st->inputs) res.reference_inputs[a] += v;
    for (auto& [a, v] : st->reference_s) res.reference_seconds[a] += v;
  }
  res.coverage = run.coverage;
  res.inputs = run.inputs;
  res.interrupted = run.interrupted;
  for (size_t k = 0; k < n_rows; ++k) {
    const std::vector<size_t>& group = sp.group[k];
    TargetAgreement& a = res.rows[k].agreement;
    for (size_t j : group) a.targets.push_back(rows[j].kernel->target);
    if (a.compared()) {
      a.inputs = res.inputs;
      for (const auto& st : scorers)
        if (st) a.differing += st->differing[group[0]];
    } else {
      a = TargetAgreement{};
    }
    res.rows[k].inputs = res.inputs;
    res.rows[k].coverage = res.coverage;
    res.rows[k].reference_fallbacks = res.reference_fallbacks[sp.rows[k].computes];
  }
  res.seconds = SecondsSince(start);
  return res;
}

}  // namespace actbench
