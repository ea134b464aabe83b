/* The fallback kernel for CPUs without AVX2 (4-lane SSE2 vectors, the x86-64 baseline). */
#define VSML_VB 16
#define VSML_FN(name) name##_base
#include "vsml-kernel.c"
