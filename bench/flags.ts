// Command-line flags for the bench entry points (bench/run.ts and the parts
// that run alone): one loop for `--flag [value]`, --help, a missing value
// and an unknown flag, so each entry point only says what its flags mean.

/** Returns false for a flag it does not know; `value()` takes the next argument (usage() when there is none). */
export type FlagHandler = (flag: string, value: () => string) => boolean;

export function parseFlags(argv: readonly string[], handle: FlagHandler, usage: (err?: string) => never): void {
  for (let i = 0; i < argv.length; i++) {
    const k = argv[i];
    if (k === '--help' || k === '-h') usage();
    const value = () => {
      const v = argv[++i];
      if (v === undefined) usage(`${k} needs a value`);
      return v;
    };
    if (!handle(k, value)) usage(`unknown option ${k}`);
  }
}

/** A number in [min, max] (whole when `integer`), or usage() naming the flag and the range. */
export function numberFlag(flag: string, raw: string, min: number, max: number, usage: (err?: string) => never, integer = true): number {
  const v = Number(raw);
  if (!(v >= min && v <= max) || (integer && !Number.isInteger(v))) usage(`${flag} takes ${integer ? 'a whole number' : 'a number'} from ${min} to ${max}`);
  return v;
}
