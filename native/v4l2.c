// skyfeed V4L2 capture addon (N-API, C). Small synchronous primitives; the
// capture loop runs in a worker thread (workers/v4l2-capture.ts), so the
// blocking poll() here never stalls the event loop.
//
//   open(path)                         -> handle (external)
//   querycap(handle)                   -> {driver, card, busInfo, capabilities}
//   formats(handle)                    -> [{fourcc, description, compressed, sizes: [...]}]
//   setFormat(handle, fourcc, w, h, fps) -> {fourcc, width, height, bytesPerLine, sizeImage, fps}
//   start(handle, buffers)             -> buffers granted (REQBUFS, QUERYBUF, mmap, QBUF, STREAMON)
//   read(handle, target, timeoutMs)    -> bytes copied into target (a typed array, e.g. a
//                                         SharedArrayBuffer ring slot); 0 on timeout;
//                                         -1 for a frame the driver flagged bad or too big
//   close(handle)                      -> STREAMOFF, munmap, close; idempotent
// Errors are thrown as Error with .code set to the errno name (ENODEV, ...).

// linux/videodev2.h uses struct timeval/timespec without including them.
#include <sys/time.h>
#include <time.h>
#include <linux/videodev2.h>

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include <node_api.h>

#define MAX_BUFFERS 32

typedef struct {
  void *start;
  size_t length;
} mapped_buffer;

typedef struct {
  int fd;
  int streaming;
  unsigned n_buffers;
  mapped_buffer buffers[MAX_BUFFERS];
} device;

// ---- error helpers ----

static const char *errno_name(int e) {
  switch (e) {
    case ENOENT: return "ENOENT";
    case ENODEV: return "ENODEV";
    case ENXIO: return "ENXIO";
    case EACCES: return "EACCES";
    case EBUSY: return "EBUSY";
    case EINVAL: return "EINVAL";
    case EIO: return "EIO";
    case ENOMEM: return "ENOMEM";
    case EPIPE: return "EPIPE";
    case ENOTTY: return "ENOTTY";
    case EAGAIN: return "EAGAIN";
    case EBADF: return "EBADF";
    default: return "EUNKNOWN";
  }
}

/** Throws Error(`${what}: ${strerror}`) with .code = errno name; returns NULL for the caller. */
static napi_value throw_errno(napi_env env, const char *what, int e) {
  char msg[256];
  snprintf(msg, sizeof msg, "%s: %s", what, strerror(e));
  napi_throw_error(env, errno_name(e), msg);
  return NULL;
}

static napi_value throw_msg(napi_env env, const char *msg) {
  napi_throw_error(env, "EINVAL", msg);
  return NULL;
}

#define NAPI_OK(call)                                      \
  do {                                                     \
    if ((call) != napi_ok) return throw_msg(env, #call);   \
  } while (0)

/** ioctl retried on EINTR. */
static int xioctl(int fd, unsigned long req, void *arg) {
  int r;
  do r = ioctl(fd, req, arg);
  while (r == -1 && errno == EINTR);
  return r;
}

static void fourcc_str(uint32_t f, char out[5]) {
  out[0] = (char)(f & 0xff);
  out[1] = (char)((f >> 8) & 0xff);
  out[2] = (char)((f >> 16) & 0xff);
  out[3] = (char)((f >> 24) & 0xff);
  out[4] = 0;
}

// ---- device lifetime ----

static void release(device *d) {
  if (d->fd < 0) return;
  if (d->streaming) {
    enum v4l2_buf_type type = V4L2_BUF_TYPE_VIDEO_CAPTURE;
    xioctl(d->fd, VIDIOC_STREAMOFF, &type);
    d->streaming = 0;
  }
  for (unsigned i = 0; i < d->n_buffers; i++) {
    if (d->buffers[i].start && d->buffers[i].start != MAP_FAILED) munmap(d->buffers[i].start, d->buffers[i].length);
    d->buffers[i].start = NULL;
  }
  d->n_buffers = 0;
  close(d->fd);
  d->fd = -1;
}

static void finalize(napi_env env, void *data, void *hint) {
  (void)env;
  (void)hint;
  device *d = data;
  release(d);
  free(d);
}

static device *get_device(napi_env env, napi_value v) {
  device *d = NULL;
  if (napi_get_value_external(env, v, (void **)&d) != napi_ok || !d) {
    throw_msg(env, "v4l2: not a device handle");
    return NULL;
  }
  if (d->fd < 0) {
    napi_throw_error(env, "EBADF", "v4l2: device is closed");
    return NULL;
  }
  return d;
}

static napi_value args_n(napi_env env, napi_callback_info info, size_t want, napi_value *argv) {
  size_t argc = want;
  NAPI_OK(napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  if (argc < want) return throw_msg(env, "v4l2: missing arguments");
  return argv[0];
}

static void set_str(napi_env env, napi_value obj, const char *key, const char *val) {
  napi_value v;
  napi_create_string_utf8(env, val, NAPI_AUTO_LENGTH, &v);
  napi_set_named_property(env, obj, key, v);
}

static void set_u32(napi_env env, napi_value obj, const char *key, uint32_t val) {
  napi_value v;
  napi_create_uint32(env, val, &v);
  napi_set_named_property(env, obj, key, v);
}

static void set_f64(napi_env env, napi_value obj, const char *key, double val) {
  napi_value v;
  napi_create_double(env, val, &v);
  napi_set_named_property(env, obj, key, v);
}

// ---- exported functions ----

static napi_value js_open(napi_env env, napi_callback_info info) {
  napi_value argv[1];
  if (!args_n(env, info, 1, argv)) return NULL;
  char path[512];
  size_t len;
  NAPI_OK(napi_get_value_string_utf8(env, argv[0], path, sizeof path, &len));
  int fd = open(path, O_RDWR | O_NONBLOCK | O_CLOEXEC);
  if (fd < 0) {
    char what[600];
    snprintf(what, sizeof what, "cannot open %s", path);
    return throw_errno(env, what, errno);
  }
  struct v4l2_capability cap;
  memset(&cap, 0, sizeof cap);
  if (xioctl(fd, VIDIOC_QUERYCAP, &cap) < 0) {
    int e = errno;
    close(fd);
    char what[600];
    snprintf(what, sizeof what, "%s is not a V4L2 device (VIDIOC_QUERYCAP)", path);
    return throw_errno(env, what, e);
  }
  uint32_t caps = (cap.capabilities & V4L2_CAP_DEVICE_CAPS) ? cap.device_caps : cap.capabilities;
  if (!(caps & V4L2_CAP_VIDEO_CAPTURE) || !(caps & V4L2_CAP_STREAMING)) {
    close(fd);
    napi_throw_error(env, "ENOTSUP", "device does not support video capture with streaming I/O");
    return NULL;
  }
  device *d = calloc(1, sizeof *d);
  if (!d) {
    close(fd);
    return throw_errno(env, "v4l2: out of memory", ENOMEM);
  }
  d->fd = fd;
  napi_value handle;
  if (napi_create_external(env, d, finalize, NULL, &handle) != napi_ok) {
    close(fd);
    free(d);
    return throw_msg(env, "v4l2: cannot create handle");
  }
  return handle;
}

static napi_value js_querycap(napi_env env, napi_callback_info info) {
  napi_value argv[1];
  if (!args_n(env, info, 1, argv)) return NULL;
  device *d = get_device(env, argv[0]);
  if (!d) return NULL;
  struct v4l2_capability cap;
  memset(&cap, 0, sizeof cap);
  if (xioctl(d->fd, VIDIOC_QUERYCAP, &cap) < 0) return throw_errno(env, "VIDIOC_QUERYCAP", errno);
  napi_value o;
  NAPI_OK(napi_create_object(env, &o));
  set_str(env, o, "driver", (const char *)cap.driver);
  set_str(env, o, "card", (const char *)cap.card);
  set_str(env, o, "busInfo", (const char *)cap.bus_info);
  set_u32(env, o, "capabilities", cap.capabilities);
  return o;
}

/** Frame rates (fps) offered for one format and size; discrete only, else the range's ends. */
static napi_value rates_of(napi_env env, int fd, uint32_t fourcc, uint32_t w, uint32_t h) {
  napi_value arr;
  napi_create_array(env, &arr);
  uint32_t n = 0;
  struct v4l2_frmivalenum fi;
  memset(&fi, 0, sizeof fi);
  fi.pixel_format = fourcc;
  fi.width = w;
  fi.height = h;
  for (fi.index = 0; xioctl(fd, VIDIOC_ENUM_FRAMEINTERVALS, &fi) == 0; fi.index++) {
    napi_value v;
    if (fi.type == V4L2_FRMIVAL_TYPE_DISCRETE) {
      if (fi.discrete.numerator == 0) continue;
      napi_create_double(env, (double)fi.discrete.denominator / fi.discrete.numerator, &v);
      napi_set_element(env, arr, n++, v);
    } else {
      // Stepwise / continuous: report the fastest and slowest rates.
      if (fi.stepwise.min.numerator) {
        napi_create_double(env, (double)fi.stepwise.min.denominator / fi.stepwise.min.numerator, &v);
        napi_set_element(env, arr, n++, v);
      }
      if (fi.stepwise.max.numerator) {
        napi_create_double(env, (double)fi.stepwise.max.denominator / fi.stepwise.max.numerator, &v);
        napi_set_element(env, arr, n++, v);
      }
      break;
    }
  }
  return arr;
}

static napi_value js_formats(napi_env env, napi_callback_info info) {
  napi_value argv[1];
  if (!args_n(env, info, 1, argv)) return NULL;
  device *d = get_device(env, argv[0]);
  if (!d) return NULL;
  napi_value list;
  NAPI_OK(napi_create_array(env, &list));
  struct v4l2_fmtdesc fd;
  memset(&fd, 0, sizeof fd);
  fd.type = V4L2_BUF_TYPE_VIDEO_CAPTURE;
  uint32_t nf = 0;
  for (fd.index = 0; xioctl(d->fd, VIDIOC_ENUM_FMT, &fd) == 0; fd.index++) {
    napi_value f;
    napi_create_object(env, &f);
    char cc[5];
    fourcc_str(fd.pixelformat, cc);
    set_str(env, f, "fourcc", cc);
    set_str(env, f, "description", (const char *)fd.description);
    napi_value b;
    napi_get_boolean(env, (fd.flags & V4L2_FMT_FLAG_COMPRESSED) != 0, &b);
    napi_set_named_property(env, f, "compressed", b);
    napi_value sizes;
    napi_create_array(env, &sizes);
    uint32_t ns = 0;
    struct v4l2_frmsizeenum fs;
    memset(&fs, 0, sizeof fs);
    fs.pixel_format = fd.pixelformat;
    for (fs.index = 0; xioctl(d->fd, VIDIOC_ENUM_FRAMESIZES, &fs) == 0; fs.index++) {
      napi_value s;
      napi_create_object(env, &s);
      if (fs.type == V4L2_FRMSIZE_TYPE_DISCRETE) {
        set_u32(env, s, "width", fs.discrete.width);
        set_u32(env, s, "height", fs.discrete.height);
        napi_set_named_property(env, s, "fps", rates_of(env, d->fd, fd.pixelformat, fs.discrete.width, fs.discrete.height));
        napi_set_element(env, sizes, ns++, s);
      } else {
        // Stepwise / continuous: one entry with the bounds; rates at the largest size.
        set_u32(env, s, "width", fs.stepwise.max_width);
        set_u32(env, s, "height", fs.stepwise.max_height);
        set_u32(env, s, "minWidth", fs.stepwise.min_width);
        set_u32(env, s, "minHeight", fs.stepwise.min_height);
        set_u32(env, s, "stepWidth", fs.stepwise.step_width);
        set_u32(env, s, "stepHeight", fs.stepwise.step_height);
        napi_set_named_property(env, s, "fps", rates_of(env, d->fd, fd.pixelformat, fs.stepwise.max_width, fs.stepwise.max_height));
        napi_set_element(env, sizes, ns++, s);
        break;
      }
    }
    napi_set_named_property(env, f, "sizes", sizes);
    napi_set_element(env, list, nf++, f);
  }
  return list;
}

static napi_value js_set_format(napi_env env, napi_callback_info info) {
  napi_value argv[5];
  if (!args_n(env, info, 5, argv)) return NULL;
  device *d = get_device(env, argv[0]);
  if (!d) return NULL;
  if (d->streaming) return throw_msg(env, "v4l2: setFormat while streaming");
  char cc[8];
  size_t len;
  NAPI_OK(napi_get_value_string_utf8(env, argv[1], cc, sizeof cc, &len));
  if (len != 4) return throw_msg(env, "v4l2: fourcc must be 4 characters");
  uint32_t w, h;
  double fps;
  NAPI_OK(napi_get_value_uint32(env, argv[2], &w));
  NAPI_OK(napi_get_value_uint32(env, argv[3], &h));
  NAPI_OK(napi_get_value_double(env, argv[4], &fps));

  struct v4l2_format fmt;
  memset(&fmt, 0, sizeof fmt);
  fmt.type = V4L2_BUF_TYPE_VIDEO_CAPTURE;
  fmt.fmt.pix.width = w;
  fmt.fmt.pix.height = h;
  fmt.fmt.pix.pixelformat = v4l2_fourcc(cc[0], cc[1], cc[2], cc[3]);
  fmt.fmt.pix.field = V4L2_FIELD_ANY;
  if (xioctl(d->fd, VIDIOC_S_FMT, &fmt) < 0) return throw_errno(env, "VIDIOC_S_FMT", errno);

  // Frame rate: not every driver supports S_PARM; the rate then stays the driver's.
  double got_fps = 0;
  struct v4l2_streamparm parm;
  memset(&parm, 0, sizeof parm);
  parm.type = V4L2_BUF_TYPE_VIDEO_CAPTURE;
  if (fps > 0) {
    parm.parm.capture.timeperframe.numerator = 1000;
    parm.parm.capture.timeperframe.denominator = (uint32_t)(fps * 1000 + 0.5);
    xioctl(d->fd, VIDIOC_S_PARM, &parm);
  }
  memset(&parm, 0, sizeof parm);
  parm.type = V4L2_BUF_TYPE_VIDEO_CAPTURE;
  if (xioctl(d->fd, VIDIOC_G_PARM, &parm) == 0 && parm.parm.capture.timeperframe.numerator) {
    got_fps = (double)parm.parm.capture.timeperframe.denominator / parm.parm.capture.timeperframe.numerator;
  }

  napi_value o;
  NAPI_OK(napi_create_object(env, &o));
  char got[5];
  fourcc_str(fmt.fmt.pix.pixelformat, got);
  set_str(env, o, "fourcc", got);
  set_u32(env, o, "width", fmt.fmt.pix.width);
  set_u32(env, o, "height", fmt.fmt.pix.height);
  set_u32(env, o, "bytesPerLine", fmt.fmt.pix.bytesperline);
  set_u32(env, o, "sizeImage", fmt.fmt.pix.sizeimage);
  set_f64(env, o, "fps", got_fps);
  return o;
}

static napi_value js_start(napi_env env, napi_callback_info info) {
  napi_value argv[2];
  if (!args_n(env, info, 2, argv)) return NULL;
  device *d = get_device(env, argv[0]);
  if (!d) return NULL;
  if (d->streaming) return throw_msg(env, "v4l2: already streaming");
  uint32_t want;
  NAPI_OK(napi_get_value_uint32(env, argv[1], &want));
  if (want < 2) want = 2;
  if (want > MAX_BUFFERS) want = MAX_BUFFERS;

  struct v4l2_requestbuffers req;
  memset(&req, 0, sizeof req);
  req.count = want;
  req.type = V4L2_BUF_TYPE_VIDEO_CAPTURE;
  req.memory = V4L2_MEMORY_MMAP;
  if (xioctl(d->fd, VIDIOC_REQBUFS, &req) < 0) return throw_errno(env, "VIDIOC_REQBUFS", errno);
  if (req.count < 2) return throw_errno(env, "VIDIOC_REQBUFS: fewer than 2 buffers", ENOMEM);
  if (req.count > MAX_BUFFERS) req.count = MAX_BUFFERS;

  for (unsigned i = 0; i < req.count; i++) {
    struct v4l2_buffer b;
    memset(&b, 0, sizeof b);
    b.type = V4L2_BUF_TYPE_VIDEO_CAPTURE;
    b.memory = V4L2_MEMORY_MMAP;
    b.index = i;
    if (xioctl(d->fd, VIDIOC_QUERYBUF, &b) < 0) {
      int e = errno;
      release(d);
      return throw_errno(env, "VIDIOC_QUERYBUF", e);
    }
    void *p = mmap(NULL, b.length, PROT_READ | PROT_WRITE, MAP_SHARED, d->fd, b.m.offset);
    if (p == MAP_FAILED) {
      int e = errno;
      release(d);
      return throw_errno(env, "mmap", e);
    }
    d->buffers[i].start = p;
    d->buffers[i].length = b.length;
    d->n_buffers = i + 1;
    if (xioctl(d->fd, VIDIOC_QBUF, &b) < 0) {
      int e = errno;
      release(d);
      return throw_errno(env, "VIDIOC_QBUF", e);
    }
  }
  enum v4l2_buf_type type = V4L2_BUF_TYPE_VIDEO_CAPTURE;
  if (xioctl(d->fd, VIDIOC_STREAMON, &type) < 0) {
    int e = errno;
    release(d);
    return throw_errno(env, "VIDIOC_STREAMON", e);
  }
  d->streaming = 1;
  napi_value v;
  napi_create_uint32(env, d->n_buffers, &v);
  return v;
}

static napi_value js_read(napi_env env, napi_callback_info info) {
  napi_value argv[3];
  if (!args_n(env, info, 3, argv)) return NULL;
  device *d = get_device(env, argv[0]);
  if (!d) return NULL;
  if (!d->streaming) return throw_msg(env, "v4l2: read before start");
  bool is_ta = false;
  napi_is_typedarray(env, argv[1], &is_ta);
  if (!is_ta) return throw_msg(env, "v4l2: target must be a typed array");
  napi_typedarray_type ta_type;
  size_t ta_len, ta_off;
  void *ta_data;
  napi_value ab;
  NAPI_OK(napi_get_typedarray_info(env, argv[1], &ta_type, &ta_len, &ta_data, &ab, &ta_off));
  if (ta_type != napi_uint8_array && ta_type != napi_uint8_clamped_array && ta_type != napi_int8_array) {
    return throw_msg(env, "v4l2: target must be a byte array");
  }
  int32_t timeout;
  NAPI_OK(napi_get_value_int32(env, argv[2], &timeout));

  napi_value result;
  struct pollfd pfd = {.fd = d->fd, .events = POLLIN};
  int r = poll(&pfd, 1, timeout);
  if (r < 0) {
    if (errno == EINTR) {
      napi_create_int32(env, 0, &result);
      return result;
    }
    return throw_errno(env, "poll", errno);
  }
  if (r == 0) {
    napi_create_int32(env, 0, &result);
    return result;
  }
  // POLLERR / POLLHUP: DQBUF below reports the reason (ENODEV when unplugged).
  struct v4l2_buffer b;
  memset(&b, 0, sizeof b);
  b.type = V4L2_BUF_TYPE_VIDEO_CAPTURE;
  b.memory = V4L2_MEMORY_MMAP;
  if (xioctl(d->fd, VIDIOC_DQBUF, &b) < 0) {
    int e = errno;
    if (e == EAGAIN && !(pfd.revents & (POLLERR | POLLHUP | POLLNVAL))) {
      napi_create_int32(env, 0, &result);
      return result;
    }
    if (e == EAGAIN) e = ENODEV;
    return throw_errno(env, "VIDIOC_DQBUF", e);
  }
  if (b.index >= d->n_buffers) return throw_errno(env, "VIDIOC_DQBUF: bad index", EINVAL);
  size_t n = b.bytesused ? b.bytesused : d->buffers[b.index].length;
  int32_t out = -1;
  if (!(b.flags & V4L2_BUF_FLAG_ERROR) && n <= ta_len && n <= d->buffers[b.index].length) {
    memcpy(ta_data, d->buffers[b.index].start, n);
    out = (int32_t)n;
  }
  if (xioctl(d->fd, VIDIOC_QBUF, &b) < 0) return throw_errno(env, "VIDIOC_QBUF", errno);
  napi_create_int32(env, out, &result);
  return result;
}

static napi_value js_close(napi_env env, napi_callback_info info) {
  napi_value argv[1];
  if (!args_n(env, info, 1, argv)) return NULL;
  device *d = NULL;
  if (napi_get_value_external(env, argv[0], (void **)&d) != napi_ok || !d) return throw_msg(env, "v4l2: not a device handle");
  release(d);
  return NULL;
}

NAPI_MODULE_INIT() {
  napi_property_descriptor props[] = {
    {"open", NULL, js_open, NULL, NULL, NULL, napi_enumerable, NULL},
    {"querycap", NULL, js_querycap, NULL, NULL, NULL, napi_enumerable, NULL},
    {"formats", NULL, js_formats, NULL, NULL, NULL, napi_enumerable, NULL},
    {"setFormat", NULL, js_set_format, NULL, NULL, NULL, napi_enumerable, NULL},
    {"start", NULL, js_start, NULL, NULL, NULL, napi_enumerable, NULL},
    {"read", NULL, js_read, NULL, NULL, NULL, napi_enumerable, NULL},
    {"close", NULL, js_close, NULL, NULL, NULL, napi_enumerable, NULL},
  };
  if (napi_define_properties(env, exports, sizeof props / sizeof props[0], props) != napi_ok) return NULL;
  return exports;
}
