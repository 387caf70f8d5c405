// The dashboard's one way to call the server: same-origin fetch with the
// session cookie (set by POST /api/auth/login), JSON in and out, errors as
// {status, body} rather than exceptions, so every panel can show the
// server's own message (body.detail) next to what failed.

export interface ApiResult<T = any> {
  status: number;
  ok: boolean;
  body: T;
}

export async function api<T = any>(method: string, path: string, body?: unknown): Promise<ApiResult<T>> {
  const init: RequestInit = { method, credentials: 'same-origin', cache: 'no-store', headers: {} };
  if (body !== undefined) {
    (init.headers as Record<string, string>)['Content-Type'] = 'application/json';
    init.body = JSON.stringify(body);
  }
  let res: Response;
  try {
    res = await fetch(path.replace(/^\//, ''), init);
  } catch (err) {
    return { status: 0, ok: false, body: { detail: `network error: ${(err as Error).message}` } as T };
  }
  const text = await res.text();
  let parsed: unknown = text;
  try {
    parsed = text ? JSON.parse(text) : null;
  } catch {
    // not JSON (e.g. a proxy's error page): keep the text
  }
  return { status: res.status, ok: res.ok, body: parsed as T };
}

/** The server's explanation of a failed call, for display. */
export function errorText(r: ApiResult): string {
  const b = r.body as { detail?: unknown; code?: string } | string | null;
  if (b && typeof b === 'object' && b.detail !== undefined) {
    const d = Array.isArray(b.detail) ? b.detail.map((x) => (typeof x === 'string' ? x : JSON.stringify(x))).join('; ') : String(b.detail);
    return b.code ? `${d} (${b.code})` : d;
  }
  return `HTTP ${r.status}${typeof b === 'string' && b ? `: ${b.slice(0, 200)}` : ''}`;
}
