/* Plugins for the tests (tests/plugin_test.cc), one shared library per
 * PLUGIN_KIND: a good one (a sigmoid in double, rounded once), and one for
 * each way a plugin can be broken. */
#include <math.h>
#include <stddef.h>

#include "actbench/plugin.h"

#ifndef PLUGIN_KIND
#define PLUGIN_KIND 0
#endif
#define KIND_GOOD 0
#define KIND_UNSAFE 1     /* writes one float past n */
#define KIND_WRONG_ABI 2  /* abi_version 999 */
#define KIND_DUPLICATE 3  /* the same id twice */
#define KIND_BAD_PROMISE 4
#define KIND_NO_ENTRY 5   /* exports no entry point */
#define KIND_EMPTY_DOMAIN 6
#define KIND_UNKNOWN_ACT 7
#define KIND_GRAD 8            /* sigmoid_grad from x, in double (arity 2) */
#define KIND_GRAD_ARITY 9      /* sigmoid_grad with arity 1 */
#define KIND_GRAD_ABI1 10      /* ABI 1: first_input is padding there (set to 7 here), read as x */
#define KIND_GRAD_BAD_INPUT 11 /* ABI 2, first_input 7 */
#define KIND_GRAD_FROM_Y 12    /* sigmoid_grad from y = sigmoid(x): dy y (1 - y) */
#define KIND_TWO_TARGETS 13    /* sigmoid/plugin-f64 on baseline and on AVX2 (a bound of its own) */
#define KIND_TARGETS_DIFFER 14 /* the same on two targets, but their descriptions differ */
#define KIND_PEER 15           /* a peer plugin: library "testpeer" 9.9, sigmoid/testpeer-f64 */
#define KIND_PEER_BAD_PREFIX 16 /* the same, but its variant is sigmoid/plugin-f64 */
#define KIND_PEER_NO_VERSION 17 /* the same as KIND_PEER, without a version */
#define PEER_KIND (PLUGIN_KIND >= KIND_PEER && PLUGIN_KIND <= KIND_PEER_NO_VERSION)
#define GRAD_KIND (PLUGIN_KIND >= KIND_GRAD && PLUGIN_KIND <= KIND_GRAD_FROM_Y)
#define TWO_ROWS (PLUGIN_KIND == KIND_DUPLICATE || PLUGIN_KIND == KIND_TWO_TARGETS || PLUGIN_KIND == KIND_TARGETS_DIFFER)

static int g_prepared = 0;

static __attribute__((unused)) void Sigmoid(void* context, const float* const* inputs, float* out, size_t n,
                    const struct actbench_params* params) {
  (void)context;
  (void)params;
  const float* in = inputs[0];
  for (size_t i = 0; i < n; ++i) {
    const double x = in[i];
    out[i] = (float)(x >= 0 ? 1.0 / (1.0 + exp(-x)) : exp(x) / (1.0 + exp(x)));
  }
#if PLUGIN_KIND == KIND_UNSAFE
  out[n] = 0.0f;
#endif
}

static __attribute__((unused)) int Prepare(void* context, size_t n, const struct actbench_params* params) {
  (void)context;
  (void)n;
  (void)params;
  g_prepared = 1;
  return 0;
}

/* dx = dy sigmoid'(x) = dy e/(1 + e)^2, e = e^-|x|, in double; from y:
 * dy y (1 - y). inputs[0] is x (or y), inputs[1] dy. */
static __attribute__((unused)) void SigmoidGrad(void* context, const float* const* inputs, float* out, size_t n,
                        const struct actbench_params* params) {
  (void)context;
  (void)params;
  const float* x = inputs[0];
  const float* dy = inputs[1];
  for (size_t i = 0; i < n; ++i) {
#if PLUGIN_KIND == KIND_GRAD_FROM_Y
    const double y = x[i];
    out[i] = (float)(dy[i] * y * (1.0 - y));
#else
    const double e = exp(-fabs((double)x[i]));
    out[i] = (float)(dy[i] * (e / ((1.0 + e) * (1.0 + e))));
#endif
  }
}

#if GRAD_KIND
static const struct actbench_plugin_variant kVariants[] = {
    {"sigmoid_grad", "plugin-f64", "sigmoid' in double (a C plugin)", NULL, NULL,
#if PLUGIN_KIND == KIND_GRAD_ARITY
     1,
#else
     2,
#endif
     SigmoidGrad, NULL, NULL, NULL, 0,
#if PLUGIN_KIND == KIND_GRAD_FROM_Y
     ACTBENCH_PROMISE_NONE, 0,
#else
     ACTBENCH_PROMISE_BOUND, 0.51,
#endif
     -INFINITY, INFINITY, "double evaluation, rounded once", 1,
#if PLUGIN_KIND == KIND_GRAD_ABI1 || PLUGIN_KIND == KIND_GRAD_BAD_INPUT
     7},
#elif PLUGIN_KIND == KIND_GRAD_FROM_Y
     ACTBENCH_INPUT_Y},
#else
     ACTBENCH_INPUT_X},
#endif
};
#else
static const struct actbench_plugin_variant kVariants[] = {
    {
#if PLUGIN_KIND == KIND_UNKNOWN_ACT
        "sigmoidd",
#else
        "sigmoid",
#endif
#if PLUGIN_KIND == KIND_PEER || PLUGIN_KIND == KIND_PEER_NO_VERSION
        "testpeer-f64",
#else
        "plugin-f64",
#endif
        "sigmoid in double, rounded once (a C plugin)", NULL, NULL, 1, Sigmoid, &g_prepared, Prepare,
        NULL, 0, ACTBENCH_PROMISE_BOUND,
#if PLUGIN_KIND == KIND_BAD_PROMISE
        -1.0,
#else
        0.51,
#endif
#if PLUGIN_KIND == KIND_EMPTY_DOMAIN
        1.0, -1.0,
#else
        -INFINITY, INFINITY,
#endif
        "double evaluation, rounded once", 1, ACTBENCH_INPUT_X},
    /* The second row of TWO_ROWS kinds: the first again (KIND_DUPLICATE), or
     * the same variant on AVX2. */
    {"sigmoid", "plugin-f64",
#if PLUGIN_KIND == KIND_TARGETS_DIFFER
     "the same id again",
#else
     "sigmoid in double, rounded once (a C plugin)",
#endif
     NULL,
#if PLUGIN_KIND == KIND_DUPLICATE
     NULL, 1, Sigmoid, NULL, NULL, NULL, 0, ACTBENCH_PROMISE_BOUND, 0.51,
#else
     "AVX2", 1, Sigmoid, NULL, NULL, NULL, ACTBENCH_CPU_AVX2 | ACTBENCH_CPU_FMA, ACTBENCH_PROMISE_BOUND, 0.75,
#endif
     -INFINITY, INFINITY, "double evaluation, rounded once", 1, ACTBENCH_INPUT_X},
};
#endif

static const struct actbench_plugin kPlugin = {
#if PLUGIN_KIND == KIND_WRONG_ABI
    999u,
#elif PLUGIN_KIND == KIND_GRAD_ABI1
    1u,
#else
    ACTBENCH_PLUGIN_ABI_VERSION,
#endif
#if PEER_KIND
    "testpeer",
#else
    "test plugin",
#endif
#if TWO_ROWS
    2,
#else
    1,
#endif
#if PLUGIN_KIND == KIND_PEER || PLUGIN_KIND == KIND_PEER_BAD_PREFIX
    kVariants, "9.9"};
#else
    kVariants, NULL};
#endif

#if PLUGIN_KIND != KIND_NO_ENTRY
__attribute__((visibility("default"))) const struct actbench_plugin* actbench_plugin(void) { return &kPlugin; }
#else
__attribute__((visibility("default"))) const struct actbench_plugin* not_the_entry(void) { return &kPlugin; }
#endif
