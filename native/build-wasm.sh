#!/bin/sh
# Rebuilds the two committed wasm kernels (machines without clang still get the fused path):
#   vsml-kernel.wasm          wasm32 + simd128 (every runtime with wasm SIMD: Node >= 16, browsers)
#   vsml-kernel-relaxed.wasm  + relaxed SIMD (f32x4.relaxed_madd = FMA): Electron/VS Code, Chrome >= 114,
#                             Node 20 with --experimental-wasm-relaxed-simd (src/engine/kernel/wasm-kernel.ts
#                             turns the flag on and probes support before choosing it)
# Needs Debian's clang-16 and lld-16:   apt-get install clang-16 lld-16
# -mbulk-memory: memset/memcpy become memory.fill/copy (Node >= 16 has them). No emscripten and no libc: the kernel allocates nothing; JS glue (src/engine/kernel/wasm-kernel.ts)
# lays out buffers after __heap_base and grows memory itself.
set -eu
cd "$(dirname "$0")"
CC=${CC_WASM:-clang-16}
LD=${LD_WASM:-wasm-ld-16}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
build() { # $1 = output file, then extra compiler flags
  out=$1
  shift
  "$CC" --target=wasm32 -msimd128 "$@" -mbulk-memory -O3 -nostdlib -ffp-contract=fast -DVSML_VB=16 -Wall -Wextra \
    -c vsml-kernel.c -o "$tmp/$out.o"
  "$LD" --no-entry --stack-first -z stack-size=1048576 --initial-memory=4194304 --max-memory=4294967296 \
    --export=vsml_episode --export=vsml_work_floats --export=vsml_io_sizes --export=__heap_base \
    "$tmp/$out.o" -o "$out"
  echo "built native/$out ($(wc -c < "$out") bytes)"
}
build vsml-kernel.wasm
build vsml-kernel-relaxed.wasm -mrelaxed-simd
