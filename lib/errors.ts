// One error type crosses from the app and config layers to HTTP: it carries
// the status code and the FastAPI-style detail, plus optional extra body
// fields and headers (e.g. 429's Retry-After), so routes never guess a code.

export class ApiError extends Error {
  readonly status: number;
  readonly detail: unknown;
  readonly extra?: Record<string, unknown>;
  readonly headers?: [string, string][];

  constructor(status: number, detail: unknown, extra?: Record<string, unknown>, headers?: [string, string][]) {
    super(typeof detail === 'string' ? detail : JSON.stringify(detail));
    this.name = 'ApiError';
    this.status = status;
    this.detail = detail;
    this.extra = extra;
    this.headers = headers;
  }
}
