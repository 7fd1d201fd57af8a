// What the audit log must never hold in clear: secrets by field name (postback signing secrets,
// tokens, API keys, passwords, credentials), those same values wherever else they appear (a token
// inside a URL path), and secret-looking query parameters inside URLs.
const SECRET_FIELD = /secret|token|password|passwd|credential|authorization|api_?key|^key$|signature/i;
const SECRET_PARAM =
  /^(token|security_token|secret|key|api_key|apikey|sig|signature|password|pass|auth|access_token|hash)$/i;
export const REDACTED = '[redacted]';
/** Shorter values are not searched for elsewhere: they would match ordinary text. */
const MIN_SECRET_LENGTH = 6;

const isSecretField = (name: string, v: unknown) =>
  SECRET_FIELD.test(name) && v !== null && v !== '' && typeof v !== 'boolean';

function collectSecrets(value: unknown, into: Set<string>): void {
  if (Array.isArray(value)) for (const v of value) collectSecrets(v, into);
  else if (value && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) {
      if (isSecretField(k, v) && typeof v === 'string' && v.length >= MIN_SECRET_LENGTH) into.add(v);
      else collectSecrets(v, into);
    }
  }
}

function redactString(value: string, secrets: ReadonlySet<string>): string {
  let out = value;
  for (const secret of secrets) if (out.includes(secret)) out = out.split(secret).join(REDACTED);
  if (!/^https?:\/\/|[?&]/.test(out)) return out;
  return out.replace(/([?&])([^=&#\s]+)=([^&#\s]*)/g, (whole, sep: string, name: string, v: string) => {
    let decoded = name;
    try {
      decoded = decodeURIComponent(name);
    } catch {}
    return SECRET_PARAM.test(decoded) && v !== '' && !/^[{[#]/.test(v) ? `${sep}${name}=${REDACTED}` : whole;
  });
}

function redactWith(value: unknown, secrets: ReadonlySet<string>): unknown {
  if (typeof value === 'string') return redactString(value, secrets);
  if (Array.isArray(value)) return value.map((v) => redactWith(v, secrets));
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value))
      out[k] = isSecretField(k, v) ? REDACTED : redactWith(v, secrets);
    return out;
  }
  return value;
}

/** Deep copies of `states` with every secret replaced by "[redacted]"; a secret named in one is hidden in all. */
export function redactSecrets<T extends unknown[]>(...states: T): T {
  const secrets = new Set<string>();
  for (const s of states) collectSecrets(s, secrets);
  return states.map((s) => redactWith(s, secrets)) as T;
}
