// Reads an MJPEG (multipart/x-mixed-replace) response part by part using
// each part's Content-Length, so tests see real JPEG bytes and arrival times.

export interface Part {
  jpeg: Buffer;
  at: number;
}

export async function* mjpegParts(res: Response): AsyncGenerator<Part> {
  const reader = res.body!.getReader();
  let buf = Buffer.alloc(0);
  try {
    yield* readParts();
  } finally {
    // Closing the generator (return/break) closes the connection too.
    await reader.cancel().catch(() => undefined);
  }

  async function* readParts(): AsyncGenerator<Part> {
  for (;;) {
    const head = buf.indexOf('\r\n\r\n');
    if (head >= 0) {
      const headers = buf.subarray(0, head).toString('latin1');
      const m = /Content-Length:\s*(\d+)/i.exec(headers);
      if (!m) throw new Error(`part without Content-Length: ${headers}`);
      const len = Number(m[1]);
      if (buf.length >= head + 4 + len + 2) {
        yield { jpeg: Buffer.from(buf.subarray(head + 4, head + 4 + len)), at: performance.now() };
        buf = buf.subarray(head + 4 + len + 2);
        continue;
      }
    }
    const { value, done } = await reader.read();
    if (done) return;
    buf = Buffer.concat([buf, value]);
  }
  }
}
