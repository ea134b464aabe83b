#!/bin/sh
# Rebuilds native/vsml-kernel.wasm (committed, so machines without clang still get the fused path).
# Needs Debian's clang-16 and lld-16:   apt-get install clang-16 lld-16
# -mbulk-memory: memset/memcpy become memory.fill/copy (Node >= 16 has them). No emscripten and no libc: the kernel allocates nothing; JS glue (src/engine/kernel/wasm-kernel.ts)
# lays out buffers after __heap_base and grows memory itself.
set -eu
cd "$(dirname "$0")"
CC=${CC_WASM:-clang-16}
LD=${LD_WASM:-wasm-ld-16}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
"$CC" --target=wasm32 -msimd128 -mbulk-memory -O3 -nostdlib -ffp-contract=fast -DVSML_VB=16 -Wall -Wextra \
  -c vsml-kernel.c -o "$tmp/vsml-kernel.o"
"$LD" --no-entry --stack-first -z stack-size=1048576 --initial-memory=4194304 --max-memory=4294967296 \
  --export=vsml_episode --export=vsml_work_floats --export=vsml_io_sizes --export=__heap_base \
  "$tmp/vsml-kernel.o" -o vsml-kernel.wasm
echo "built native/vsml-kernel.wasm ($(wc -c < vsml-kernel.wasm) bytes)"
