/* An actbench plugin in C (include/actbench/plugin.h): hard_swish in double,
 * rounded once, with a context (the constant 1/6) and a prepare step, and its
 * backward kernel (hard_swish_grad: two inputs, x and dy). */
#include <math.h>
#include <stddef.h>

#include <actbench/plugin.h>

struct sixth {
  double value;
};
static struct sixth g_sixth = {1.0 / 6.0};

static void HardSwish(void* context, const float* const* inputs, float* out, size_t n,
                      const struct actbench_params* params) {
  const double sixth = ((const struct sixth*)context)->value;
  const float* in = inputs[0];
  (void)params;
  for (size_t i = 0; i < n; ++i) {
    const double x = in[i];
    const double r = x + 3.0 < 0.0 ? 0.0 : (x + 3.0 > 6.0 ? 6.0 : x + 3.0);
    /* NaN stays NaN; -inf * 0 would be NaN, so the clamp's zero wins there. */
    out[i] = isnan(x) ? in[i] : (float)(r == 0.0 ? 0.0 : x * r * sixth);
  }
}

static int Prepare(void* context, size_t n, const struct actbench_params* params) {
  (void)context;
  (void)n;
  (void)params;
  return 0; /* nothing to set up: a JIT or a library handle would be made here */
}

/* dx = dy * hard_swish'(x), with PyTorch's values at the knees: 0 below -3,
 * x/3 + 1/2 up to 3, 1 from 3. inputs[0] is x, inputs[1] dy; out may be dy. */
static void HardSwishGrad(void* context, const float* const* inputs, float* out, size_t n,
                          const struct actbench_params* params) {
  const float* x = inputs[0];
  const float* dy = inputs[1];
  (void)context;
  (void)params;
  for (size_t i = 0; i < n; ++i) {
    const double v = x[i], g = dy[i];
    out[i] = isnan(v) ? x[i] : (float)(v < -3.0 ? 0.0 * g : (v < 3.0 ? g * (v / 3.0 + 0.5) : g));
  }
}

static const struct actbench_plugin_variant kVariants[] = {
    {"hard_swish", "example-plugin-f64", "x relu6(x + 3) / 6 in double (examples/plugin)", NULL, NULL, 1, HardSwish,
     &g_sixth, Prepare, NULL, 0, ACTBENCH_PROMISE_BOUND, 1.0, -INFINITY, INFINITY,
     "x (x + 3) in double is exact; times 1/6 and the final rounding", 1, ACTBENCH_INPUT_X},
    {"hard_swish_grad", "example-plugin-f64", "dy (x/3 + 1/2) in double (examples/plugin)", NULL, NULL, 2,
     HardSwishGrad, NULL, NULL, NULL, 0, ACTBENCH_PROMISE_BOUND, 1.0, -INFINITY, INFINITY,
     "x/3, + 1/2 and dy times it round in double; the final rounding", 1, ACTBENCH_INPUT_X},
};

static const struct actbench_plugin kPlugin = {ACTBENCH_PLUGIN_ABI_VERSION, "example plugin", 2, kVariants, "1.0"};

__attribute__((visibility("default"))) const struct actbench_plugin* actbench_plugin(void) { return &kPlugin; }
