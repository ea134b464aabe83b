{
  "targets": [
    {
      "target_name": "kernel_avx2",
      "type": "static_library",
      "sources": ["kernel-avx2.c"],
      "cflags": ["-O3", "-mavx2", "-mfma", "-ffp-contract=fast", "-fPIC", "-std=gnu11"],
      "xcode_settings": {"OTHER_CFLAGS": ["-O3", "-mavx2", "-mfma", "-ffp-contract=fast"]}
    },
    {
      "target_name": "kernel_base",
      "type": "static_library",
      "sources": ["kernel-base.c"],
      "cflags": ["-O3", "-fPIC", "-std=gnu11"],
      "xcode_settings": {"OTHER_CFLAGS": ["-O3"]}
    },
    {
      "target_name": "grad_avx2",
      "type": "static_library",
      "sources": ["grad-avx2.c"],
      "cflags": ["-O3", "-mavx2", "-mfma", "-ffp-contract=fast", "-fno-math-errno", "-fassociative-math", "-fno-signed-zeros", "-fno-trapping-math", "-fPIC", "-std=gnu11"],
      "xcode_settings": {"OTHER_CFLAGS": ["-O3", "-mavx2", "-mfma", "-ffp-contract=fast", "-fno-math-errno", "-fassociative-math", "-fno-signed-zeros", "-fno-trapping-math"]}
    },
    {
      "target_name": "grad_base",
      "type": "static_library",
      "sources": ["grad-base.c"],
      "cflags": ["-O3", "-fno-math-errno", "-fassociative-math", "-fno-signed-zeros", "-fno-trapping-math", "-fPIC", "-std=gnu11"],
      "xcode_settings": {"OTHER_CFLAGS": ["-O3", "-fno-math-errno", "-fassociative-math", "-fno-signed-zeros", "-fno-trapping-math"]}
    },
    {
      "target_name": "vsml_kernel",
      "sources": ["addon.c"],
      "dependencies": ["kernel_avx2", "kernel_base", "grad_avx2", "grad_base"],
      "cflags": ["-O2", "-std=gnu11"]
    }
  ]
}
