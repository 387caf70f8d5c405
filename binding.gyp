{
  "targets": [
    {
      "target_name": "skyfeed_v4l2",
      "conditions": [
        ["OS=='linux'", {
          "sources": ["native/v4l2.c"],
          "cflags_c": ["-std=gnu11", "-Wall", "-Wextra", "-O2"]
        }, {
          "type": "none"
        }]
      ]
    }
  ]
}
