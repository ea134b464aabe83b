/* The kernel built for x86-64 with AVX2 + FMA (8-lane vectors). binding.gyp compiles this file with -mavx2 -mfma. */
#define VSML_VB 32
#define VSML_FN(name) name##_avx2
#include "vsml-kernel.c"
