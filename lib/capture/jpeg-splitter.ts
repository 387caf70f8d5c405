// Splits a byte stream of concatenated JPEGs (ffmpeg -f mjpeg, an HTTP MJPEG
// body) into whole frames by walking the JPEG markers: segment lengths in the
// headers, and in entropy-coded data only FF xx with xx not 00 / RST ends it,
// so an FF D9 inside an EXIF thumbnail or payload never cuts a frame short.
// Frames accumulate in one staging buffer (bounded; oversize frames are
// dropped and counted) and are handed out as a view of it.

const enum St {
  SeekSoi, // looking for FF D8
  MarkerFF, // expect FF of the next header marker
  MarkerCode, // byte after FF
  LenHi,
  LenLo,
  Skip, // skipping a segment's payload
  Entropy, // scan data
  EntropyFF, // FF seen in scan data
}

export class JpegSplitter {
  readonly #buf: Buffer;
  readonly #onFrame: (jpeg: Buffer) => void;
  #len = 0;
  #st = St.SeekSoi;
  #prevFF = false;
  #marker = 0;
  #segLeft = 0;
  #overflow = false;
  /** Frames dropped because they exceeded the staging buffer. */
  oversize = 0;

  constructor(maxFrameBytes: number, onFrame: (jpeg: Buffer) => void) {
    this.#buf = Buffer.alloc(maxFrameBytes);
    this.#onFrame = onFrame;
  }

  push(chunk: Buffer): void {
    let i = 0;
    const n = chunk.length;
    while (i < n) {
      if (this.#st === St.Entropy) {
        // Fast path: copy up to the next FF in one go.
        const ff = chunk.indexOf(0xff, i);
        const end = ff < 0 ? n : ff;
        this.#append(chunk, i, end);
        i = end;
        if (ff >= 0) {
          this.#append(chunk, i, i + 1);
          i++;
          this.#st = St.EntropyFF;
        }
        continue;
      }
      if (this.#st === St.Skip) {
        const take = Math.min(this.#segLeft, n - i);
        this.#append(chunk, i, i + take);
        i += take;
        this.#segLeft -= take;
        if (this.#segLeft === 0) this.#st = this.#marker === 0xda ? St.Entropy : St.MarkerFF;
        continue;
      }
      const b = chunk[i++];
      switch (this.#st) {
        case St.SeekSoi:
          if (this.#prevFF && b === 0xd8) {
            this.#len = 0;
            this.#overflow = false;
            this.#buf[0] = 0xff;
            this.#buf[1] = 0xd8;
            this.#len = 2;
            this.#st = St.MarkerFF;
          }
          this.#prevFF = b === 0xff;
          break;
        case St.MarkerFF:
          if (b !== 0xff) {
            this.#resync();
            break;
          }
          this.#appendByte(b);
          this.#st = St.MarkerCode;
          break;
        case St.MarkerCode:
          this.#appendByte(b);
          if (b === 0xff) break; // fill bytes
          this.#marker = b;
          if (b === 0xd9) this.#finish();
          else if ((b >= 0xd0 && b <= 0xd7) || b === 0x01) this.#st = St.MarkerFF; // no length
          else this.#st = St.LenHi;
          break;
        case St.LenHi:
          this.#appendByte(b);
          this.#segLeft = b << 8;
          this.#st = St.LenLo;
          break;
        case St.LenLo:
          this.#appendByte(b);
          this.#segLeft = (this.#segLeft | b) - 2;
          if (this.#segLeft < 0) this.#resync();
          else if (this.#segLeft === 0) this.#st = this.#marker === 0xda ? St.Entropy : St.MarkerFF;
          else this.#st = St.Skip;
          break;
        case St.EntropyFF:
          this.#appendByte(b);
          if (b === 0x00 || (b >= 0xd0 && b <= 0xd7) || b === 0xff) {
            this.#st = b === 0xff ? St.EntropyFF : St.Entropy;
          } else if (b === 0xd9) {
            this.#finish();
          } else {
            // Another header marker inside the image (progressive: DHT, SOS).
            this.#marker = b;
            this.#st = St.LenHi;
          }
          break;
      }
    }
  }

  #append(src: Buffer, from: number, to: number): void {
    if (to <= from) return;
    if (this.#len + (to - from) > this.#buf.length) {
      this.#overflow = true;
      return;
    }
    src.copy(this.#buf, this.#len, from, to);
    this.#len += to - from;
  }

  #appendByte(b: number): void {
    if (this.#len < this.#buf.length) this.#buf[this.#len++] = b;
    else this.#overflow = true;
  }

  #finish(): void {
    if (this.#overflow) this.oversize++;
    else this.#onFrame(this.#buf.subarray(0, this.#len));
    this.#resync();
  }

  #resync(): void {
    this.#st = St.SeekSoi;
    this.#prevFF = false;
    this.#len = 0;
    this.#overflow = false;
  }
}
