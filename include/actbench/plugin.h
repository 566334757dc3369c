/* actbench plugins: kernels from any language, loaded at run time with
 * `actbench <command> --load LIB.so` (docs/your-own-kernel.md).
 *
 * A plugin is a shared library that exports one C function, named
 * ACTBENCH_PLUGIN_ENTRY ("actbench_plugin"), returning a description of its
 * variants whose first field is the ABI version it was written for. actbench
 * refuses, with one line and exit 2 and before it measures anything, a
 * library that cannot be loaded, has no entry point, speaks another ABI
 * version, or describes a variant badly (unknown activation, duplicate id,
 * bound not a number >= 0, empty domain, no kernel, wrong arity).
 *
 * Every pointer a plugin returns must stay valid until the library is
 * unloaded (at exit). Kernels follow the rules of every actbench kernel: any
 * n (0 included), unaligned pointers, in-place use (out == inputs[0] for a
 * forward kernel, out == inputs[1], dx == dy, for a backward one), never a
 * read or write past n. `actbench check --load LIB.so` holds them to it.
 *
 * This header is C (and C++): no actbench types cross the ABI. */
#ifndef ACTBENCH_PLUGIN_H_
#define ACTBENCH_PLUGIN_H_

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Version 2 added `first_input` (backward kernels from the forward output) in
 * what was padding at the end of struct actbench_plugin_variant on x86-64
 * (LP64): the struct's size is unchanged there, and plugins written for
 * version 1 still load (their first_input is read as ACTBENCH_INPUT_X).
 * Version 3 added `version` at the end of struct actbench_plugin (read only
 * from plugins that say they speak version 3). Versions 1 and 2 still load. */
#define ACTBENCH_PLUGIN_ABI_VERSION 3u
#define ACTBENCH_PLUGIN_ENTRY "actbench_plugin"

/* The activation's parameters (actbench::Params): PyTorch's names. */
struct actbench_params {
  float alpha;     /* leaky_relu negative_slope, elu alpha */
  float beta;      /* softplus beta */
  float threshold; /* softplus threshold */
  const float* slopes; /* prelu: slopes[i % channels] applies to element i */
  size_t channels;
};

/* A kernel: out[i] = f(inputs[0][i], ...) for i < n. `arity` inputs: 1 for
 * a forward activation; 2 for a backward one ("sigmoid_grad"), inputs[0]
 * being x (or y = f(x), see first_input) and inputs[1] dy, out dx = dy f'(x);
 * in place means out == inputs[0] (forward) or out == inputs[1] (dx == dy).
 * `context` is the variant's context pointer. */
typedef void (*actbench_kernel_fn)(void* context, const float* const* inputs, float* out, size_t n,
                                   const struct actbench_params* params);
/* Optional set-up for n elements, timed apart as creation_ns: returns 0 on
 * success. The kernel must also work when it was never called. */
typedef int (*actbench_prepare_fn)(void* context, size_t n, const struct actbench_params* params);
/* Optional: releases the context (called once, at exit). */
typedef void (*actbench_destroy_fn)(void* context);

/* CPU features a kernel needs (actbench::CpuFeature): the row is not run on
 * a CPU that lacks one. */
#define ACTBENCH_CPU_SSE41 (1ull << 0)
#define ACTBENCH_CPU_SSE42 (1ull << 1)
#define ACTBENCH_CPU_AVX (1ull << 2)
#define ACTBENCH_CPU_AVX2 (1ull << 3)
#define ACTBENCH_CPU_FMA (1ull << 4)
#define ACTBENCH_CPU_F16C (1ull << 5)
#define ACTBENCH_CPU_BMI2 (1ull << 6)
#define ACTBENCH_CPU_AVX512F (1ull << 7)
#define ACTBENCH_CPU_AVX512VL (1ull << 8)
#define ACTBENCH_CPU_AVX512DQ (1ull << 9)
#define ACTBENCH_CPU_AVX512BW (1ull << 10)

/* Whether the variant promises a bound (ACTBENCH_PROMISE_BOUND: max_ulp over
 * [domain_lo, domain_hi]) or nothing (ACTBENCH_PROMISE_NONE: measured only). */
#define ACTBENCH_PROMISE_NONE 0
#define ACTBENCH_PROMISE_BOUND 1

/* A backward kernel's first input: x, or the forward output y = f(x)
 * (actbench then passes the correctly rounded f(x) and scores the result as a
 * function of x). */
#define ACTBENCH_INPUT_X 0
#define ACTBENCH_INPUT_Y 1

/* One row: a variant's kernel for one target. A variant with kernels for
 * several targets (say baseline, AVX2 and AVX3) is described once per target,
 * with the same activation and name and a different `target`: actbench joins
 * them into one variant, and refuses the plugin when they differ in anything
 * but target, kernel, context, prepare, destroy, cpu_features and max_ulp
 * (a target may promise a looser bound, as targets without FMA do), or when
 * one target appears twice. */
struct actbench_plugin_variant {
  const char* activation;  /* "sigmoid", as `actbench list` names it */
  const char* name;        /* the variant's name; its id is activation/name */
  const char* description; /* one line; may be NULL */
  const char* computes;    /* the activation it approximates, or NULL for `activation` */
  const char* target;      /* the row's target name, or NULL for "baseline" */
  uint32_t arity;          /* number of inputs: 1 (forward), 2 (backward) */
  actbench_kernel_fn kernel;
  void* context;
  actbench_prepare_fn prepare; /* may be NULL */
  actbench_destroy_fn destroy; /* may be NULL */
  uint64_t cpu_features;       /* ACTBENCH_CPU_* bits, 0 for none */
  int promise_kind;            /* ACTBENCH_PROMISE_* */
  double max_ulp;              /* the bound, when promise_kind is BOUND */
  double domain_lo, domain_hi; /* +-INFINITY for all floats */
  const char* note;            /* where and why it loses accuracy; may be NULL */
  int keeps_contract;          /* 1: NaN -> NaN, the limits at +-inf, outputs in range */
  int first_input;             /* ABI 2: ACTBENCH_INPUT_X or ACTBENCH_INPUT_Y (backward only) */
};

struct actbench_plugin {
  uint32_t abi_version; /* ACTBENCH_PLUGIN_ABI_VERSION: always the first field */
  const char* name;     /* the plugin's name, for messages; may be NULL */
  size_t variant_count;
  const struct actbench_plugin_variant* variants;
  /* ABI 3: the version of the library the plugin calls ("1.13.1"). A peer
   * plugin (actbench-peer-<library>.so, docs/peers.md) must give it: the
   * report's list of peers shows it. Other plugins may leave it NULL (their
   * rows are named by the plugin's path). */
  const char* version;
};

/* The entry point each plugin exports (ACTBENCH_PLUGIN_ENTRY). */
typedef const struct actbench_plugin* (*actbench_plugin_entry_fn)(void);

#ifdef __cplusplus
}
#endif

#endif /* ACTBENCH_PLUGIN_H_ */
