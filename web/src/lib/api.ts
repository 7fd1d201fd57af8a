// The one way the dashboard talks to the server: /api/v1 with the session cookie, the session's
// CSRF token on every change, and errors turned into ApiError with the field they concern.
let csrfToken: string | undefined;

export function setCsrfToken(token: string | undefined): void {
  csrfToken = token;
}

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    /** The request field the error is about ("url", "goals.0.key"), when the server named one. */
    readonly field?: string,
    readonly details?: Record<string, unknown>,
  ) {
    super(message);
  }
}

function fieldOf(message: string, details?: Record<string, unknown>): string | undefined {
  if (typeof details?.field === 'string' && details.field) return details.field.replace(/^body\./, '');
  const match = /^(?:body\.)?([A-Za-z][\w.-]*): /.exec(message);
  return match?.[1];
}

/** The message without its "field: " prefix, for showing next to that field. */
export function plainMessage(error: unknown): string {
  if (error instanceof ApiError) {
    return error.field ? error.message.replace(/^(?:body\.)?[A-Za-z][\w.-]*: /, '') : error.message;
  }
  if (error instanceof TypeError) return 'The server could not be reached. Check your connection and retry.';
  return error instanceof Error ? error.message : String(error);
}

export async function api<T>(method: string, path: string, body?: unknown): Promise<T> {
  const headers: Record<string, string> = { accept: 'application/json' };
  if (body !== undefined) headers['content-type'] = 'application/json';
  if (method !== 'GET' && csrfToken) headers['x-csrf-token'] = csrfToken;
  const response = await fetch(`/api/v1${path}`, {
    method,
    headers,
    credentials: 'same-origin',
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (response.status === 204) return undefined as T;
  const text = await response.text();
  let parsed: unknown = null;
  try {
    parsed = text ? JSON.parse(text) : null;
  } catch {
    parsed = null;
  }
  if (!response.ok) {
    const error = (parsed as { error?: { code: string; message: string; details?: Record<string, unknown> } })
      ?.error;
    const message = error?.message ?? `The server answered ${response.status}.`;
    throw new ApiError(
      response.status,
      error?.code ?? 'http_error',
      message,
      fieldOf(message, error?.details),
      error?.details,
    );
  }
  return parsed as T;
}

export const get = <T>(path: string) => api<T>('GET', path);

export function query(params: Record<string, string | number | boolean | undefined | null>): string {
  const entries = Object.entries(params).filter(([, v]) => v !== undefined && v !== null && v !== '');
  return entries.length ? `?${new URLSearchParams(entries.map(([k, v]) => [k, String(v)])).toString()}` : '';
}

/**
 * Sends a file as the body of a POST (as `contentType`), streamed by the browser, reporting the
 * share sent so far (0–1); answers like `api`.
 */
export function upload<T>(
  path: string,
  file: Blob,
  contentType: string,
  onProgress: (sent: number) => void,
): Promise<T> {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open('POST', `/api/v1${path}`);
    xhr.setRequestHeader('content-type', contentType);
    xhr.setRequestHeader('accept', 'application/json');
    if (csrfToken) xhr.setRequestHeader('x-csrf-token', csrfToken);
    xhr.upload.onprogress = (e) => {
      if (e.lengthComputable) onProgress(e.loaded / e.total);
    };
    xhr.onerror = () => reject(new TypeError('network error'));
    xhr.onload = () => {
      let parsed: unknown = null;
      try {
        parsed = xhr.responseText ? JSON.parse(xhr.responseText) : null;
      } catch {}
      if (xhr.status >= 200 && xhr.status < 300) return resolve(parsed as T);
      const error = (
        parsed as { error?: { code: string; message: string; details?: Record<string, unknown> } }
      )?.error;
      const message = error?.message ?? `The server answered ${xhr.status}.`;
      reject(new ApiError(xhr.status, error?.code ?? 'http_error', message, undefined, error?.details));
    };
    xhr.send(file);
  });
}
