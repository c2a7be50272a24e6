// The one place credentials are taken out of text that leaves kubeid (errors, logs, output): the
// secret values of the kubeconfig in use, plus anything shaped like a credential (bearer tokens,
// JWTs, PEM private keys, password= / token= pairs) in case a server or a plugin echoes one.
const PATTERNS: [RegExp, string][] = [
  [/-----BEGIN [A-Z ]*PRIVATE KEY-----[\s\S]*?(-----END [A-Z ]*PRIVATE KEY-----|$)/g, '[REDACTED PRIVATE KEY]'],
  [/\b(Bearer|Basic)\s+[A-Za-z0-9._~+/=-]+/gi, '$1 [REDACTED]'],
  [/(\/\/)[^/\s:@]+:[^/\s@]+@/g, '$1[REDACTED]@'], // https://user:password@host
  [/\beyJ[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]*/g, '[REDACTED JWT]'],
  [
    /\b((?:access|refresh|id|client)?[-_]?(?:token|secret|password|passwd|apikey|api[-_]key))(["']?\s*[:=]\s*["']?)[^\s"',;&}]+/gi,
    '$1$2[REDACTED]',
  ],
];

/** Secret values shorter than this are not searched for (they would blank out ordinary words). */
const MIN_SECRET = 6;

/** `text` with every known secret value and every credential-shaped string replaced. */
export function redact(text: string, secrets: Iterable<string> = []): string {
  let out = text;
  // Longest first, so that a secret containing another is removed whole.
  const values = [...new Set(secrets)].filter((s) => s.trim().length >= MIN_SECRET).sort((a, b) => b.length - a.length);
  for (const s of values) {
    out = out.split(s).join('[REDACTED]');
    const trimmed = s.trim();
    if (trimmed !== s) out = out.split(trimmed).join('[REDACTED]');
  }
  for (const [re, by] of PATTERNS) out = out.replace(re, by);
  return out;
}

/** The secret values of a kubeconfig user entry (raw kubeconfig form), including exec and auth-provider ones. */
export function userSecrets(user: Record<string, unknown> | undefined): string[] {
  if (!user) return [];
  const out: string[] = [];
  const add = (v: unknown) => {
    if (typeof v === 'string' && v) out.push(v);
  };
  for (const k of ['token', 'password', 'client-key-data', 'client-certificate-data']) add(user[k]);
  const exec = user.exec as { env?: unknown; args?: unknown } | undefined;
  if (Array.isArray(exec?.env)) for (const e of exec.env as Array<{ value?: unknown }>) add(e?.value);
  const provider = user['auth-provider'] as { config?: Record<string, unknown> } | undefined;
  for (const [k, v] of Object.entries(provider?.config ?? {})) if (!/^(cmd-path|cmd-args|idp-issuer-url|client-id|expiry)$/.test(k)) add(v);
  // Base64 forms decode to PEM: the key inside must go too.
  for (const k of ['client-key-data']) {
    const v = user[k];
    if (typeof v === 'string') add(Buffer.from(v, 'base64').toString('utf8'));
  }
  return out;
}
