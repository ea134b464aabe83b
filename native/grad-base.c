/* The kernel reverse pass for any x86-64 CPU (SSE2). */
#define VSML_GRAD_FN(name) name##_base
#include "vsml-grad.c"
