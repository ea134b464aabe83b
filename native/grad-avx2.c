/* The kernel reverse pass built for x86-64 with AVX2 + FMA. binding.gyp compiles this file with -mavx2 -mfma. */
#define VSML_GRAD_FN(name) name##_avx2
#include "vsml-grad.c"
