#include "accuracy/exhaustive.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <condition_variable>
#include <cstring>
#include <limits>
#include <mutex>
#include <set>
#include <thread>

#include "accuracy/fast_reference.h"
#include "accuracy/score.h"
#include "accuracy/ulp.h"

namespace actbench {

size_t HistogramBin(double ulp) {
  return size_t(ulp > 0) + size_t(ulp > 0.5) + size_t(ulp > 1) + size_t(ulp > 2) + size_t(ulp > 4) +
         size_t(ulp > 16) + size_t(ulp > 256);
}

unsigned __int128 QuantizeUlp(double ulp) {
  if (ulp < 0x1p39) return static_cast<uint64_t>(ulp * 0x1p24 + 0.5);
  if (ulp >= 0x1p64) return static_cast<unsigned __int128>(1) << 88;
  return static_cast<unsigned __int128>(static_cast<uint64_t>(ulp)) << 24;
}

double MeanFromSums(const ErrorStats& s) {
  if (s.finite == 0) return 0.0;
  return static_cast<double>(static_cast<long double>(s.sum_ulp_q24) / 0x1p24L /
                             static_cast<long double>(s.finite));
}

std::string U128ToString(unsigned __int128 v) {
  if (v == 0) return "0";
  std::string s;
  while (v) {
    s.push_back(static_cast<char>('0' + static_cast<int>(v % 10)));
    v /= 10;
  }
  return {s.rbegin(), s.rend()};
}

bool U128FromString(const std::string& s, unsigned __int128* v) {
  if (s.empty() || s.size() > 39) return false;
  unsigned __int128 r = 0;
  const unsigned __int128 max = ~static_cast<unsigned __int128>(0);
  for (char c : s) {
    if (c < '0' || c > '9') return false;
    const unsigned d = static_cast<unsigned>(c - '0');
    if (r > (max - d) / 10) return false;
    r = r * 10 + d;
  }
  *v = r;
  return true;
}

bool ShardRange(uint32_t lo, uint32_t hi, uint64_t shard, uint64_t shards, BitRange* out) {
  if (shards == 0 || shard == 0 || shard > shards || lo > hi) return false;
  const uint64_t total = uint64_t(hi) - lo + 1;
  // floor(total * k / shards) without overflow: total <= 2^32, shards < 2^32.
  auto cut = [&](uint64_t k) {
    const unsigned __int128 v = static_cast<unsigned __int128>(total) * k / shards;
    return static_cast<uint64_t>(v);
  };
  const uint64_t b = cut(shard - 1), e = cut(shard);
  if (e == b) return false;
  out->lo = static_cast<uint32_t>(lo + b);
  out->hi = static_cast<uint32_t>(lo + e - 1);
  return true;
}

std::vector<BitRange> UnionRanges(std::vector<BitRange> r) {
  std::sort(r.begin(), r.end(), [](const BitRange& a, const BitRange& b) { return a.lo < b.lo; });
  std::vector<BitRange> out;
  for (const BitRange& x : r) {
    if (!out.empty() && uint64_t(x.lo) <= uint64_t(out.back().hi) + 1) {
      out.back().hi = std::max(out.back().hi, x.hi);
    } else {
      out.push_back(x);
    }
  }
  return out;
}

namespace {

constexpr size_t kChunk = size_t(1) << kExhaustiveChunkBits;
constexpr size_t kContractExamples = 5;

void Finish(ErrorStats& s) {
  s.mean_ulp = MeanFromSums(s);
  s.above_0_5 = s.above_1 = s.above_2 = s.above_4 = 0;
  for (size_t b = 2; b < s.histogram.size(); ++b) s.above_0_5 += s.histogram[b];
  for (size_t b = 3; b < s.histogram.size(); ++b) s.above_1 += s.histogram[b];
  for (size_t b = 4; b < s.histogram.size(); ++b) s.above_2 += s.histogram[b];
  for (size_t b = 5; b < s.histogram.size(); ++b) s.above_4 += s.histogram[b];
}

ErrorStats EmptyStats(const std::string& against) {
  ErrorStats s;
  s.against = against;
  s.histogram.assign(ErrorStats::kHistogramBins, 0);
  s.binade_max_ulp.assign(kBinadeCount, std::numeric_limits<double>::quiet_NaN());
  return s;
}

struct RowPlan {
  const VariantTarget* vt;
  Params params;
  Act computes;
  std::vector<Act> also;
  const Activation* computes_act;
  Range range;
};

// Empty stats of a row: against what it computes, and against each `also`.
void SetEmpty(const RowPlan& pl, ErrorStats& error, std::vector<ErrorStats>& also) {
  error = EmptyStats(pl.computes_act->name);
  also.clear();
  for (Act a : pl.also) also.push_back(EmptyStats(GetActivation(a).name));
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
    error = EmptyStats(error.against);
    for (ErrorStats& a : also) a = EmptyStats(a.against);
    max_ulp = 0;
    contract_failures = 0;
    contract_examples.clear();
  }
};

// Per thread, per row.
struct RowAcc {
  AccuracyResult r;
  std::vector<std::pair<uint32_t, std::string>> examples;  // by chunk start bits
};

}  // namespace

// Merges `from` into `into` (same row, disjoint inputs). Exposed to
// reports/combine.cc through CombineErrorStats below.
void CombineErrorStatsInto(ErrorStats& into, const ErrorStats& from) {
  into.count += from.count;
  into.max_ulp = std::max(into.max_ulp, from.max_ulp);
  into.max_ulp_distance = std::max(into.max_ulp_distance, from.max_ulp_distance);
  into.max_abs_err = std::max(into.max_abs_err, from.max_abs_err);
  into.max_rel_err = std::max(into.max_rel_err, from.max_rel_err);
  into.above_0_5 += from.above_0_5;
  into.above_1 += from.above_1;
  into.above_2 += from.above_2;
  into.above_4 += from.above_4;
  into.nan_mismatch += from.nan_mismatch;
  into.inf_mismatch += from.inf_mismatch;
  for (const WorstInput& w : from.worst) KeepWorst(into.worst, w);
  if (into.binade_max_ulp.empty()) {
    into.binade_max_ulp = from.binade_max_ulp;
  } else if (from.binade_max_ulp.size() == into.binade_max_ulp.size()) {
    for (size_t b = 0; b < into.binade_max_ulp.size(); ++b) {
      const double f = from.binade_max_ulp[b];
      double& m = into.binade_max_ulp[b];
      if (!std::isnan(f) && (std::isnan(m) || f > m)) m = f;
    }
  }
  if (into.histogram.size() == from.histogram.size()) {
    for (size_t b = 0; b < into.histogram.size(); ++b) into.histogram[b] += from.histogram[b];
  } else {
    into.histogram.clear();  // one side lacks it: unknown
  }
  into.finite += from.finite;
  into.sum_ulp_q24 += from.sum_ulp_q24;
  into.mean_ulp = MeanFromSums(into);
}

ExhaustiveResult RunExhaustive(const std::vector<VariantTarget>& rows, const ExhaustiveOptions& o) {
  const auto start = std::chrono::steady_clock::now();
  ExhaustiveResult res;
  std::vector<RowPlan> plans;
  std::set<Act> acts;
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
    if (vt.variant->from_output) acts.insert(GetActivation(vt.variant->activation).forward);
    acts.insert(pl.computes);
    for (Act a : pl.also) acts.insert(a);
    plans.push_back(std::move(pl));
  }
  std::map<Act, Params> act_params;
  for (Act a : acts) act_params[a] = DefaultParams(GetActivation(a));

  const uint64_t c_lo = o.lo >> kExhaustiveChunkBits, c_hi = o.hi >> kExhaustiveChunkBits;
  const uint64_t total = uint64_t(o.hi) - o.lo + 1;
  std::atomic<uint64_t> next{c_lo}, done{0};
  unsigned threads = o.threads ? o.threads : std::max(1u, std::thread::hardware_concurrency());
  threads = static_cast<unsigned>(std::min<uint64_t>(threads, c_hi - c_lo + 1));

  struct ThreadState {
    std::vector<RowAcc> rows;
    std::vector<ChunkScore> chunk;  // per row, this chunk's score
    std::vector<ChunkScore> self;   // per reference key, the rounded reference's score
    std::map<Act, uint64_t> fallbacks, inputs;
    std::map<Act, double> reference_s;
    std::vector<double> kernel_s, score_s;
    std::vector<uint64_t> shared, rounded;
    std::vector<BitRange> covered;
  };
  // Per row, the rows of its variant (other targets), in row order.
  std::vector<std::vector<size_t>> group(plans.size());
  for (size_t k = 0; k < plans.size(); ++k)
    for (size_t j = 0; j < plans.size(); ++j)
      if (plans[j].vt->variant == plans[k].vt->variant) group[k].push_back(j);
  // Rows of one activation scored against the same references (what they
  // compute, what they are also scored against; so the same parameters and
  // range): a reference key, and its rows.
  std::vector<size_t> self_key(plans.size());
  std::vector<std::vector<size_t>> key_rows;
  auto same_key = [&](const RowPlan& a, const RowPlan& b) {
    return a.vt->variant->activation == b.vt->variant->activation && a.computes == b.computes && a.also == b.also;
  };
  for (size_t k = 0; k < plans.size(); ++k) {
    size_t key = 0;
    while (key < key_rows.size() && !same_key(plans[key_rows[key][0]], plans[k])) ++key;
    if (key == key_rows.size()) key_rows.emplace_back();
    key_rows[key].push_back(k);
    self_key[k] = key;
  }
  std::vector<ThreadState> states(threads);

  auto worker = [&](ThreadState& st) {
    st.rows.resize(plans.size());
    for (size_t k = 0; k < plans.size(); ++k) SetEmpty(plans[k], st.rows[k].r.error, st.rows[k].r.also);
    std::vector<float> block(kChunk);
    // Backward rows: dy = 1, and the forward outputs for from-output rows (the
    // entries outside this chunk's range [off, off + n) are never scored).
    const std::vector<float> ones(kChunk, 1.0f);
    std::vector<float> forward_y(kChunk, 0.0f);
    std::vector<std::vector<float>> outs(plans.size(), std::vector<float>(kChunk));
    std::vector<const ChunkScore*> chunk_of(plans.size(), nullptr);  // row k's score of this chunk
    std::vector<char> self_ready(key_rows.size(), 0);
    auto empty_score = [&](const RowPlan& pl) {
      ChunkScore cs;
      SetEmpty(pl, cs.error, cs.also);
      return cs;
    };
    for (size_t k = 0; k < plans.size(); ++k) st.chunk.push_back(empty_score(plans[k]));
    for (const std::vector<size_t>& rows_of_key : key_rows) st.self.push_back(empty_score(plans[rows_of_key[0]]));
    st.kernel_s.assign(plans.size(), 0.0);
    st.score_s.assign(plans.size(), 0.0);
    st.shared.assign(plans.size(), 0);
    st.rounded.assign(plans.size(), 0);
    std::map<Act, RefChunk> refs;
    for (Act a : acts) refs[a].Resize(kChunk);
    std::vector<float> in_v, out_v;
    std::vector<RefValue> ref_v;
    while (!(o.stop && o.stop->load(std::memory_order_relaxed))) {
      const uint64_t c = next.fetch_add(1);
      if (c > c_hi) break;
      const uint32_t base = static_cast<uint32_t>(c << kExhaustiveChunkBits);
      const uint32_t s = std::max(o.lo, base), e = std::min<uint32_t>(o.hi, base + (kChunk - 1));
      const size_t off = s - base, n = size_t(e - s) + 1;
      for (size_t i = 0; i < kChunk; ++i) block[i] = FloatFromBits(base + static_cast<uint32_t>(i));
      const float* x = block.data() + off;
      // One reference pass per activation. The index (PReLU channel) is the
      // position in the aligned chunk, as the kernels see it.
      for (Act a : acts) {
        const auto t0 = std::chrono::steady_clock::now();
        RefChunk& rc = refs[a];
        const Params& p = act_params[a];
        uint64_t fb = 0;
        for (size_t i = 0; i < n; ++i) {
          bool fell;
          const RefValue v = ZivReference(a, x[i], p, off + i, &fell);
          fb += fell;
          rc.Set(i, v);
        }
        st.fallbacks[a] += fb;
        st.inputs[a] += n;
        st.reference_s[a] += std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
      }
      const uint32_t field = base >> 23;  // sign and exponent: one per chunk
      const bool special_chunk = (field & 0xff) == 0xff;
      const size_t binade = special_chunk ? kBinadeCount : BinadeIndex(x[0]);
      const double x_first = x[0], x_last = x[n - 1];
      const double x_min = std::min(x_first, x_last), x_max = std::max(x_first, x_last);
      // Scores outputs y of row k's variant into cs. A chunk score may be
      // folded into any of the rows floor_rows (rows of one variant, or all
      // rows of one reference), so its worst inputs need only reach past the
      // least of their lists.
      auto score = [&](size_t k, const float* y, ChunkScore& cs, const std::vector<size_t>& floor_rows) {
        const RowPlan& pl = plans[k];
        cs.Reset();
        // The floor of the stats `of` picks from a row (its error, or its
        // score against also[j]); false while some list is not full.
        auto floor_of = [&](auto of, WorstInput* floor) {
          for (size_t j : floor_rows) {
            const std::vector<WorstInput>& w = of(st.rows[j].r).worst;
            if (w.size() < ErrorStats::kWorstKept) return false;
            if (j == floor_rows.front() || !RanksWorse(w.back(), *floor)) *floor = w.back();
          }
          return true;
        };
        WorstInput floor{};
        const bool have_floor = floor_of([](const AccuracyResult& r) -> const ErrorStats& { return r.error; }, &floor);
        // Contract: a full check below only where it can fail (non-finite
        // inputs, a NaN output, or an output outside the range).
        bool suspect = special_chunk;
        cs.max_ulp = ScoreChunk(cs.error, x, y, refs[pl.computes], n, binade, pl.range, &suspect,
                                have_floor ? &floor : nullptr);
        for (size_t j = 0; j < pl.also.size(); ++j) {
          WorstInput also_floor{};
          const bool have = floor_of([j](const AccuracyResult& r) -> const ErrorStats& { return r.also[j]; }, &also_floor);
          ScoreChunk(cs.also[j], x, y, refs[pl.also[j]], n, binade, pl.range, nullptr, have ? &also_floor : nullptr);
        }
        if (suspect) {
          in_v.assign(x, x + n);
          out_v.assign(y, y + n);
          const RefChunk& rc = refs[pl.computes];
          ref_v.resize(n);
          for (size_t i = 0; i < n; ++i) ref_v[i] = {rc.exact[i], rc.rounded[i]};
          const ContractResult cr = CheckContract(*pl.computes_act, pl.params, in_v, out_v, ref_v);
          cs.contract_failures = cr.failures;
          cs.contract_examples = cr.examples;
        }
      };
      // Row k's largest error inside its promise's domain (the chunk whole
      // inside, outside, or checked per input).
      auto in_domain = [&](size_t k, const float* y, double chunk_max) {
        const Promise& pr = plans[k].vt->variant->promise;
        if (special_chunk || x_max < pr.domain_lo || x_min > pr.domain_hi) return 0.0;
        if (x_min >= pr.domain_lo && x_max <= pr.domain_hi) return chunk_max;
        const RefChunk& rc = refs[plans[k].computes];
        double m = 0;
        for (size_t i = 0; i < n; ++i)
          if (x[i] >= pr.domain_lo && x[i] <= pr.domain_hi)
            m = std::max(m, UlpError(y[i], rc.exact[i], rc.rounded[i]));
        return m;
      };
      // Folds a chunk score into row k.
      auto fold = [&](size_t k, const ChunkScore& cs, double max_in_domain) {
        RowAcc& acc = st.rows[k];
        CombineErrorStatsInto(acc.r.error, cs.error);
        for (size_t j = 0; j < cs.also.size(); ++j) CombineErrorStatsInto(acc.r.also[j], cs.also[j]);
        acc.r.max_ulp_in_domain = std::max(acc.r.max_ulp_in_domain, max_in_domain);
        acc.r.contract.failures += cs.contract_failures;
        if (!cs.contract_examples.empty()) {
          for (const std::string& ex : cs.contract_examples) acc.examples.emplace_back(s, ex);
          std::stable_sort(acc.examples.begin(), acc.examples.end(),
                           [](const auto& a, const auto& b) { return a.first < b.first; });
          if (acc.examples.size() > kContractExamples) acc.examples.resize(kContractExamples);
        }
      };
      std::fill(self_ready.begin(), self_ready.end(), 0);
      for (size_t k = 0; k < plans.size(); ++k) {
        const auto t0 = std::chrono::steady_clock::now();
        float* y_all = outs[k].data();
        const Variant& var = *plans[k].vt->variant;
        if (var.from_output) {
          const RefChunk& fwd = refs[GetActivation(var.activation).forward];
          std::copy(fwd.rounded.begin(), fwd.rounded.begin() + n, forward_y.begin() + off);
        }
        RunOn(*plans[k].vt, block.data(), forward_y.data(), ones.data(), y_all, kChunk, plans[k].params);
        const auto t1 = std::chrono::steady_clock::now();
        const float* y = y_all + off;
        // Outputs seen before in this chunk have the very same score: those
        // of an earlier row of the same variant (another target), or the
        // correctly rounded reference itself (saturation, exact functions,
        // tiny inputs: most of the float range for most rows), whose score
        // is computed once per chunk for all rows of that reference.
        const ChunkScore* cs = nullptr;
        for (size_t j : group[k]) {
          if (j >= k) break;
          if (std::memcmp(outs[j].data() + off, y, n * sizeof(float)) == 0) {
            cs = chunk_of[j];
            ++st.shared[k];
            break;
          }
        }
        const size_t key = self_key[k];
        if (!cs && std::memcmp(refs[plans[k].computes].rounded.data(), y, n * sizeof(float)) == 0) {
          if (!self_ready[key]) {
            score(k, refs[plans[k].computes].rounded.data(), st.self[key], key_rows[key]);
            self_ready[key] = 1;
          }
          cs = &st.self[key];
          ++st.rounded[k];
        }
        if (!cs) {
          score(k, y, st.chunk[k], group[k]);
          cs = &st.chunk[k];
        }
        chunk_of[k] = cs;
        fold(k, *cs, in_domain(k, y, cs->max_ulp));
        const auto t2 = std::chrono::steady_clock::now();
        st.kernel_s[k] += std::chrono::duration<double>(t1 - t0).count();
        st.score_s[k] += std::chrono::duration<double>(t2 - t1).count();
      }
      if (!st.covered.empty() && uint64_t(st.covered.back().hi) + 1 == s)
        st.covered.back().hi = e;  // the next chunk of this thread's run
      else
        st.covered.push_back({s, e});
      done.fetch_add(n, std::memory_order_relaxed);
    }
  };

  std::vector<std::thread> pool;
  std::mutex mu;
  std::condition_variable finished;
  unsigned running = threads;  // guarded by mu
  for (unsigned t = 0; t < threads; ++t)
    pool.emplace_back([&, t] {
      worker(states[t]);
      ReleaseThreadCaches();  // the MPFR fallback ran on this thread
      std::lock_guard<std::mutex> lock(mu);
      if (--running == 0) finished.notify_one();
    });
  {
    // Progress every 0.25 s until the last worker is done (no later).
    std::unique_lock<std::mutex> lock(mu);
    while (!finished.wait_for(lock, std::chrono::milliseconds(250), [&] { return running == 0; })) {
      if (!o.progress) continue;
      lock.unlock();
      o.progress(done.load(), total);
      lock.lock();
    }
  }
  for (auto& th : pool) th.join();
  if (o.progress) o.progress(done.load(), total);

  // Combine the threads (every combination is order-independent).
  res.rows.resize(plans.size());
  for (size_t k = 0; k < plans.size(); ++k) {
    AccuracyResult& r = res.rows[k];
    SetEmpty(plans[k], r.error, r.also);
    std::vector<std::pair<uint32_t, std::string>> examples;
    for (ThreadState& st : states) {
      if (st.rows.empty()) continue;
      const AccuracyResult& f = st.rows[k].r;
      CombineErrorStatsInto(r.error, f.error);
      for (size_t j = 0; j < r.also.size(); ++j) CombineErrorStatsInto(r.also[j], f.also[j]);
      r.max_ulp_in_domain = std::max(r.max_ulp_in_domain, f.max_ulp_in_domain);
      r.contract.failures += f.contract.failures;
      examples.insert(examples.end(), st.rows[k].examples.begin(), st.rows[k].examples.end());
    }
    std::stable_sort(examples.begin(), examples.end(),
                     [](const auto& a, const auto& b) { return a.first < b.first; });
    for (size_t i = 0; i < examples.size() && i < kContractExamples; ++i)
      r.contract.examples.push_back(examples[i].second);
    r.contract.pass = r.contract.failures == 0;
    Finish(r.error);
    for (ErrorStats& a : r.also) Finish(a);
    r.promise_held = r.max_ulp_in_domain <= plans[k].vt->promised_ulp();
  }
  std::vector<BitRange> covered;
  for (ThreadState& st : states) {
    covered.insert(covered.end(), st.covered.begin(), st.covered.end());
    for (auto& [a, v] : st.fallbacks) res.reference_fallbacks[a] += v;
    for (auto& [a, v] : st.inputs) res.reference_inputs[a] += v;
    for (auto& [a, v] : st.reference_s) res.reference_seconds[a] += v;
  }
  res.row_kernel_seconds.assign(plans.size(), 0.0);
  res.row_score_seconds.assign(plans.size(), 0.0);
  res.row_shared_chunks.assign(plans.size(), 0);
  res.row_rounded_chunks.assign(plans.size(), 0);
  for (ThreadState& st : states)
    for (size_t k = 0; k < plans.size() && k < st.kernel_s.size(); ++k) {
      res.row_kernel_seconds[k] += st.kernel_s[k];
      res.row_score_seconds[k] += st.score_s[k];
      res.row_shared_chunks[k] += st.shared[k];
      res.row_rounded_chunks[k] += st.rounded[k];
    }
  res.coverage = UnionRanges(covered);
  for (const BitRange& b : res.coverage) res.inputs += b.size();
  for (size_t k = 0; k < plans.size(); ++k) {
    res.rows[k].inputs = res.inputs;
    res.rows[k].coverage = res.coverage;
    res.rows[k].reference_fallbacks = res.reference_fallbacks[plans[k].computes];
  }
  res.interrupted = res.inputs < total;
  res.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return res;
}

}  // namespace actbench
