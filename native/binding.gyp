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
      "target_name": "kernel_grad",
      "type": "static_library",
      "sources": ["vsml-grad.c"],
      "cflags": ["-O3", "-fno-math-errno", "-fPIC", "-std=gnu11"],
      "xcode_settings": {"OTHER_CFLAGS": ["-O3", "-fno-math-errno"]}
    },
    {
      "target_name": "vsml_kernel",
      "sources": ["addon.c"],
      "dependencies": ["kernel_avx2", "kernel_base", "kernel_grad"],
      "cflags": ["-O2", "-std=gnu11"]
    }
  ]
}
