// MAVLink over a serial port (USB autopilot or telemetry radio) through the
// optional `serialport` package, loaded only when a serial link is asked for.
// Tested over a pseudo-terminal (same open/termios/read/write path, no UART,
// so baud rates and real radios are untested here).

import { VehicleError } from '../vehicle-error.js';
import type { PeerAddress, Transport } from './transport.js';

/** The slice of serialport's API used here (typed locally: the package is optional). */
interface SerialPortLike {
  on(event: 'data', fn: (chunk: Buffer) => void): void;
  on(event: 'error', fn: (err: Error) => void): void;
  write(data: Buffer, cb: (err: Error | null | undefined) => void): boolean;
  close(cb: (err: Error | null) => void): void;
  open(cb: (err: Error | null) => void): void;
  readonly isOpen: boolean;
}

type SerialPortCtor = new (o: { path: string; baudRate: number; autoOpen: boolean }) => SerialPortLike;

/** Loads serialport; a clear error when it is not installed. */
async function loadSerialPort(): Promise<SerialPortCtor> {
  const name = 'serialport';
  try {
    const mod = (await import(name)) as { SerialPort: SerialPortCtor };
    return mod.SerialPort;
  } catch (err) {
    throw new VehicleError('SKYFEED_ERR_LINK_UNAVAILABLE',
      `serial links need the optional package serialport (npm install serialport@13.0.0): ${(err as Error).message}`);
  }
}

export class SerialTransport implements Transport {
  readonly description: string;
  readonly datagrams = false;
  readonly localPort = null;
  /** Device and its baud rate. */
  readonly #path: string;
  readonly #baud: number;
  /** The open port; null before open(). */
  #port: SerialPortLike | null = null;
  /** Set by close() (idempotent). */
  #closed: Promise<void> | null = null;

  constructor(path: string, baud: number) {
    this.#path = path;
    this.#baud = baud;
    this.description = `serial ${path} @ ${baud}`;
  }

  get peer(): PeerAddress | null {
    return this.#port ? { address: this.#path, port: this.#baud } : null;
  }

  async open(onData: (data: Buffer, from: PeerAddress | null) => void, onError: (err: Error) => void): Promise<void> {
    const SerialPort = await loadSerialPort();
    const port = new SerialPort({ path: this.#path, baudRate: this.#baud, autoOpen: false });
    await new Promise<void>((resolve, reject) => port.open((err) => (err ? reject(err) : resolve())));
    port.on('data', (chunk) => onData(chunk, null));
    port.on('error', onError);
    this.#port = port;
  }

  send(data: Buffer): Promise<void> {
    const port = this.#port;
    if (!port || this.#closed) return Promise.reject(new Error('serial port not open'));
    return new Promise((resolve, reject) => port.write(data, (err) => (err ? reject(err) : resolve())));
  }

  setPeer(): void {}

  close(): Promise<void> {
    this.#closed ??= new Promise((resolve) => {
      const p = this.#port;
      if (!p || !p.isOpen) return resolve();
      p.close(() => resolve());
    });
    return this.#closed;
  }
}
