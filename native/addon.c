/*
 * N-API binding of the fused kernel. Context-aware (NAPI_MODULE_INIT), so every worker thread
 * can load it. Picks the AVX2 build when the CPU has AVX2 and FMA, else the SSE2 build.
 * The JS side (src/engine/kernel/native-kernel.ts) checks shapes and values; this file only
 * refuses buffers too small for the config, so a caller bug cannot write out of bounds.
 */
#include <node_api.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

size_t vsml_work_floats_avx2(const int32_t *ci);
int vsml_io_sizes_avx2(const int32_t *ci, int32_t *out);
int vsml_episode_avx2(const int32_t *, const float *, const float *, const float *, const int32_t *, const float *, float *, float *, float *);
size_t vsml_work_floats_base(const int32_t *ci);
int vsml_io_sizes_base(const int32_t *ci, int32_t *out);
int vsml_episode_base(const int32_t *, const float *, const float *, const float *, const int32_t *, const float *, float *, float *, float *);

#define GRAD_ARGS const int32_t *, const float *, const double *, const float *, const int32_t *, const double *, int, int, double *, double *, float *, double *
int vsml_grad_episode_avx2(GRAD_ARGS);
int vsml_grad_episode_base(GRAD_ARGS);
double vsml_grad_tape_bytes_base(const int32_t *ci, int slice);

static int use_avx2(void) {
  __builtin_cpu_init();
  return __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma") && !getenv("VSML_KERNEL_NO_AVX2");
}

#define CHECK(call) do { if ((call) != napi_ok) { napi_throw_error(env, NULL, "vsml-kernel: N-API call failed: " #call); return NULL; } } while (0)

/* Reads argument i as a typed array of the given type; *len in elements. NULL/undefined allowed when optional. */
static int typed(napi_env env, napi_value v, napi_typedarray_type want, void **data, size_t *len, int optional, const char *name) {
  napi_valuetype vt;
  napi_typeof(env, v, &vt);
  if (optional && (vt == napi_null || vt == napi_undefined)) { *data = NULL; *len = 0; return 1; }
  bool is;
  napi_is_typedarray(env, v, &is);
  if (!is) { napi_throw_type_error(env, NULL, name); return 0; }
  napi_typedarray_type t;
  napi_value ab;
  size_t off;
  napi_get_typedarray_info(env, v, &t, len, data, &ab, &off);
  if (t != want) { napi_throw_type_error(env, NULL, name); return 0; }
  return 1;
}

/* episode(ci, cf, theta, inputs, labels, stateIn, logitsOut, stateOut|null) -> error code (0 = ok) */
static napi_value episode(napi_env env, napi_callback_info info) {
  size_t argc = 8;
  napi_value argv[8];
  CHECK(napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  if (argc < 8) { napi_throw_error(env, NULL, "vsml-kernel: episode needs 8 arguments"); return NULL; }
  void *p[8];
  size_t n[8];
  static const napi_typedarray_type types[8] = {napi_int32_array, napi_float32_array, napi_float32_array, napi_float32_array,
                                               napi_int32_array, napi_float32_array, napi_float32_array, napi_float32_array};
  static const char *names[8] = {"ci must be an Int32Array", "cf must be a Float32Array", "theta must be a Float32Array",
                                 "inputs must be a Float32Array", "labels must be an Int32Array", "stateIn must be a Float32Array",
                                 "logitsOut must be a Float32Array", "stateOut must be a Float32Array or null"};
  for (int i = 0; i < 8; i++)
    if (!typed(env, argv[i], types[i], &p[i], &n[i], i == 7, names[i])) return NULL;
  const int avx2 = use_avx2();
  const int32_t *ci = (const int32_t *)p[0];
  if (n[0] < 12 || n[1] < 1) { napi_throw_range_error(env, NULL, "vsml-kernel: config vectors too short"); return NULL; }
  int32_t L = ci[0];
  napi_value ret;
  /* Too many layers is a config error the caller maps to a message (code 1, as the kernel says). */
  if (L < 1 || L > 16) { CHECK(napi_create_int32(env, 1, &ret)); return ret; }
  if (n[0] < (size_t)(12 + 3 * L + 1)) { napi_throw_range_error(env, NULL, "vsml-kernel: config vector shorter than its layer count needs"); return NULL; }
  int32_t sz[5];
  int err = avx2 ? vsml_io_sizes_avx2(ci, sz) : vsml_io_sizes_base(ci, sz);
  if (err) { CHECK(napi_create_int32(env, err, &ret)); return ret; }
  if (n[2] < (size_t)sz[0] || n[3] < (size_t)sz[1] || n[4] < (size_t)sz[2] || n[5] < (size_t)sz[3] || n[6] < (size_t)sz[4] ||
      (p[7] && n[7] < (size_t)sz[3])) {
    napi_throw_range_error(env, NULL, "vsml-kernel: a buffer is smaller than the config needs");
    return NULL;
  }
  size_t wf = avx2 ? vsml_work_floats_avx2(ci) : vsml_work_floats_base(ci);
  float *work = aligned_alloc(64, (wf * sizeof(float) + 63) & ~(size_t)63);
  if (!work) { napi_throw_error(env, NULL, "vsml-kernel: out of memory for the workspace"); return NULL; }
  err = avx2 ? vsml_episode_avx2(ci, p[1], p[2], p[3], p[4], p[5], p[6], p[7], work)
             : vsml_episode_base(ci, p[1], p[2], p[3], p[4], p[5], p[6], p[7], work);
  free(work);
  CHECK(napi_create_int32(env, err, &ret));
  return ret;
}

/*
 * gradEpisode(ci, cf, theta f64, inputs, labels, stateIn f64, lossType, truncation, gradOut f64, ceOut f64, logitsOut,
 * lossOut f64[1]) -> error code (0 = ok). The reverse pass of vsml-grad.c (float64, one thread; AVX2 build when the CPU has it).
 */
static napi_value grad_episode(napi_env env, napi_callback_info info) {
  size_t argc = 12;
  napi_value argv[12];
  CHECK(napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  if (argc < 12) { napi_throw_error(env, NULL, "vsml-kernel: gradEpisode needs 12 arguments"); return NULL; }
  /* Arguments 6 and 7 are numbers; the rest typed arrays. */
  static const int arrays[10] = {0, 1, 2, 3, 4, 5, 8, 9, 10, 11};
  static const napi_typedarray_type types[10] = {napi_int32_array, napi_float32_array, napi_float64_array, napi_float32_array,
                                                napi_int32_array, napi_float64_array, napi_float64_array, napi_float64_array,
                                                napi_float32_array, napi_float64_array};
  static const char *names[10] = {"ci must be an Int32Array", "cf must be a Float32Array", "theta must be a Float64Array",
                                  "inputs must be a Float32Array", "labels must be an Int32Array", "stateIn must be a Float64Array",
                                  "gradOut must be a Float64Array", "ceOut must be a Float64Array", "logitsOut must be a Float32Array",
                                  "lossOut must be a Float64Array"};
  void *p[12] = {0};
  size_t n[12] = {0};
  for (int i = 0; i < 10; i++)
    if (!typed(env, argv[arrays[i]], types[i], &p[arrays[i]], &n[arrays[i]], 0, names[i])) return NULL;
  int32_t lossType, truncation;
  CHECK(napi_get_value_int32(env, argv[6], &lossType));
  CHECK(napi_get_value_int32(env, argv[7], &truncation));
  const int32_t *ci = (const int32_t *)p[0];
  napi_value ret;
  if (n[0] < 12 || n[1] < 1) { napi_throw_range_error(env, NULL, "vsml-kernel: config vectors too short"); return NULL; }
  int32_t L = ci[0];
  if (L < 1 || L > 16) { CHECK(napi_create_int32(env, 1, &ret)); return ret; }
  if (n[0] < (size_t)(12 + 3 * L + 1)) { napi_throw_range_error(env, NULL, "vsml-kernel: config vector shorter than its layer count needs"); return NULL; }
  int32_t sz[5];
  int err = vsml_io_sizes_base(ci, sz);
  if (err) { CHECK(napi_create_int32(env, err, &ret)); return ret; }
  int32_t rows = sz[2];
  if (n[2] < (size_t)sz[0] || n[3] < (size_t)sz[1] || n[4] < (size_t)rows || n[5] < (size_t)sz[3] || n[8] < (size_t)sz[0] ||
      n[9] < (size_t)rows || n[10] < (size_t)sz[4] || n[11] < 1) {
    napi_throw_range_error(env, NULL, "vsml-kernel: a buffer is smaller than the config needs");
    return NULL;
  }
  err = (use_avx2() ? vsml_grad_episode_avx2 : vsml_grad_episode_base)(ci, p[1], p[2], p[3], p[4], p[5], lossType, truncation, p[8], p[9], p[10], p[11]);
  CHECK(napi_create_int32(env, err, &ret));
  return ret;
}

/* gradTapeBytes(ci, sliceSteps) -> bytes of tape gradEpisode holds for one slice (0 for a bad config). */
static napi_value grad_tape_bytes(napi_env env, napi_callback_info info) {
  size_t argc = 2;
  napi_value argv[2];
  CHECK(napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  void *ci;
  size_t n;
  int32_t slice;
  if (argc < 2 || !typed(env, argv[0], napi_int32_array, &ci, &n, 0, "ci must be an Int32Array")) return NULL;
  CHECK(napi_get_value_int32(env, argv[1], &slice));
  if (n < 12 || ((int32_t *)ci)[0] < 1 || ((int32_t *)ci)[0] > 16 || n < (size_t)(12 + 3 * ((int32_t *)ci)[0] + 1)) {
    napi_throw_range_error(env, NULL, "vsml-kernel: config vector too short");
    return NULL;
  }
  napi_value ret;
  CHECK(napi_create_double(env, vsml_grad_tape_bytes_base(ci, slice), &ret));
  return ret;
}

NAPI_MODULE_INIT() {
  napi_value fn, variant;
  if (napi_create_function(env, "episode", NAPI_AUTO_LENGTH, episode, NULL, &fn) != napi_ok) return NULL;
  if (napi_set_named_property(env, exports, "episode", fn) != napi_ok) return NULL;
  if (napi_create_function(env, "gradEpisode", NAPI_AUTO_LENGTH, grad_episode, NULL, &fn) != napi_ok) return NULL;
  if (napi_set_named_property(env, exports, "gradEpisode", fn) != napi_ok) return NULL;
  if (napi_create_function(env, "gradTapeBytes", NAPI_AUTO_LENGTH, grad_tape_bytes, NULL, &fn) != napi_ok) return NULL;
  if (napi_set_named_property(env, exports, "gradTapeBytes", fn) != napi_ok) return NULL;
  if (napi_create_string_utf8(env, use_avx2() ? "avx2" : "sse2", NAPI_AUTO_LENGTH, &variant) != napi_ok) return NULL;
  if (napi_set_named_property(env, exports, "variant", variant) != napi_ok) return NULL;
  return exports;
}
