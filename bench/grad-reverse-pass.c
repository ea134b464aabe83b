/*
 * The kernel reverse pass (native/vsml-grad.c) timed outside Node, on bench.ts's W1: 784x10 cells,
 * N=16, M=8, 2 micro ticks, batch 1, 24-step episodes, BPTT slices of 8 steps. Prints the loss, a
 * hash of the gradient's bits (to see whether a change moved the numbers), and cell-ticks per
 * CPU-second (the steadier figure on a shared machine). Build each variant with the addon's flags
 * (binding.gyp) and run them alternately:
 *
 *   F="-O3 -fno-math-errno -fassociative-math -fno-signed-zeros -fno-trapping-math -std=gnu11"
 *   cc $F -mavx2 -mfma -ffp-contract=fast -o /tmp/grad-avx2 bench/grad-reverse-pass.c -lm   # the AVX2 build
 *   cc $F -o /tmp/grad-base bench/grad-reverse-pass.c -lm                                  # the SSE2 build
 *   /tmp/grad-avx2 3     # 3 episodes
 *
 * -DVSML_GRAD_SOURCE='"path/to/vsml-grad.c"' times another version of the file.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#ifndef VSML_GRAD_SOURCE
#define VSML_GRAD_SOURCE "../native/vsml-grad.c"
#endif
#include VSML_GRAD_SOURCE

int main(int argc, char **argv) {
  const int episodes = argc > 1 ? atoi(argv[1]) : 3;
  const int A = 784, B = 10, N = 16, M = 8, T = 24, micro = 2, truncation = 8;
  const int setsize = (2 * M + N) * 4 * N + 4 * N + 2 * (N * M + M);
  /* kernel-abi.ts's int config: L, N, M, micro, out, feed, ln, bwd, bs, T, nsets, setsize, sizes, set indices */
  const int32_t ci[12 + 2 + 2] = {1, N, M, micro, 1, 0, 0, 0, 1, T, 1, setsize, A, B, 0, 0};
  const float cf[1] = {0};
  double *theta = malloc(sizeof(double) * setsize), *grad = malloc(sizeof(double) * setsize);
  float *inputs = malloc(sizeof(float) * T * A), *logits = malloc(sizeof(float) * T * B);
  int32_t *labels = malloc(sizeof(int32_t) * T);
  const size_t stateDoubles = 2 * (size_t)A * B * N;
  double *state = malloc(sizeof(double) * stateDoubles), *ce = malloc(sizeof(double) * T), loss = 0;
  srand(1);
  for (int i = 0; i < setsize; i++) theta[i] = (rand() / (double)RAND_MAX - 0.5) * 0.5;
  for (int i = 0; i < T * A; i++) inputs[i] = rand() / (float)RAND_MAX - 0.5f;
  for (int t = 0; t < T; t++) labels[t] = rand() % B;
  for (size_t i = 0; i < stateDoubles; i++) state[i] = (rand() / (double)RAND_MAX - 0.5) * 0.2;
  const clock_t cpu0 = clock();
  for (int e = 0; e < episodes; e++) {
    const int err = vsml_grad_episode(ci, cf, theta, inputs, labels, state, 0, truncation, grad, ce, logits, &loss);
    if (err) {
      fprintf(stderr, "vsml_grad_episode failed with code %d\n", err);
      return 1;
    }
  }
  const double cpu = (double)(clock() - cpu0) / CLOCKS_PER_SEC;
  uint64_t hash = 1469598103934665603ull; /* FNV-1a over the gradient's bits */
  for (int i = 0; i < setsize; i++) {
    uint64_t bits;
    memcpy(&bits, &grad[i], sizeof bits);
    hash = (hash ^ bits) * 1099511628211ull;
  }
  const double cellTicks = (double)A * B * micro * T * episodes;
  printf("loss %.15f, gradient hash %016llx, %.3f CPU-s: %.3f M cell-ticks per CPU-second\n", loss, (unsigned long long)hash, cpu, cellTicks / cpu / 1e6);
  return 0;
}
