// The API server's validation errors, as field.Error prints them (spec §10), and the name and
// label validators of k8s.io/apimachinery/pkg/util/validation with their exact messages.

/** Go's %q for the strings we print (JSON escaping is the same for everything a manifest holds). */
export const q = (s: string): string => JSON.stringify(s);

export function required(path: string, detail = ''): string {
  return `${path}: Required value${detail ? `: ${detail}` : ''}`;
}

/** value: a string (printed with %q) or a list (printed as JSON). */
export function invalid(path: string, value: string | readonly string[], detail: string): string {
  return `${path}: Invalid value: ${typeof value === 'string' ? q(value) : JSON.stringify(value)}: ${detail}`;
}

export function unsupported(path: string, value: string, supported: readonly string[]): string {
  return `${path}: Unsupported value: ${q(value)}: supported values: ${supported.map(q).join(', ')}`;
}

export function forbidden(path: string, detail: string): string {
  return `${path}: Forbidden: ${detail}`;
}

/** validation.RegexError, double space included: "(e.g. 'a',  or 'b', regex used ...)". */
function regexError(msg: string, fmt: string, ...examples: string[]): string {
  return `${msg} (e.g. ${examples.map((e) => `'${e}', `).join(' or ')}regex used for validation is '${fmt}')`;
}

/** path.IsValidPathSegmentName: the rule for RBAC object and roleRef names (colons are fine). */
export function pathSegmentNameErrors(name: string): string[] {
  if (name === '.' || name === '..') return [`may not be '${name}'`];
  return ['/', '%'].filter((c) => name.includes(c)).map((c) => `may not contain '${c}'`);
}

const LABEL_FMT = '[a-z0-9]([-a-z0-9]*[a-z0-9])?';
const SUBDOMAIN_FMT = `${LABEL_FMT}(\\.${LABEL_FMT})*`;

export function dns1123LabelErrors(s: string): string[] {
  const errs: string[] = [];
  if (s.length > 63) errs.push('must be no more than 63 characters');
  if (!new RegExp(`^${LABEL_FMT}$`).test(s)) {
    const msg =
      "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character";
    errs.push(regexError(msg, LABEL_FMT, 'my-name', '123-abc'));
  }
  return errs;
}

/** Service account names (subjects, ServiceAccounts) and label-key prefixes. */
export function dns1123SubdomainErrors(s: string): string[] {
  const errs: string[] = [];
  if (s.length > 253) errs.push('must be no more than 253 characters');
  if (!new RegExp(`^${SUBDOMAIN_FMT}$`).test(s)) {
    const msg =
      "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character";
    errs.push(regexError(msg, SUBDOMAIN_FMT, 'example.com'));
  }
  return errs;
}

const QNAME_FMT = '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]';
const QNAME_MSG = "must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character";

/** IsQualifiedName: label keys, `[prefix/]name`. */
export function qualifiedNameErrors(key: string): string[] {
  const parts = key.split('/');
  if (parts.length > 2) {
    return [
      `a qualified name ${regexError(QNAME_MSG, QNAME_FMT, 'MyName', 'my.name', '123-abc')} with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')`,
    ];
  }
  const name = parts[parts.length - 1];
  const errs: string[] = [];
  if (parts.length === 2) {
    if (parts[0] === '') errs.push('prefix part must be non-empty');
    else errs.push(...dns1123SubdomainErrors(parts[0]).map((e) => `prefix part ${e}`));
  }
  if (name === '') errs.push('name part must be non-empty');
  else if (name.length > 63) errs.push('name part must be no more than 63 characters');
  if (!new RegExp(`^${QNAME_FMT}$`).test(name)) {
    errs.push(`name part ${regexError(QNAME_MSG, QNAME_FMT, 'MyName', 'my.name', '123-abc')}`);
  }
  return errs;
}

/** IsValidLabelValue. */
export function labelValueErrors(value: string): string[] {
  const errs: string[] = [];
  if (value.length > 63) errs.push('must be no more than 63 characters');
  if (!new RegExp(`^(${QNAME_FMT})?$`).test(value)) {
    const msg =
      "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character";
    errs.push(regexError(msg, `(${QNAME_FMT})?`, 'MyValue', 'my_value', '12345'));
  }
  return errs;
}
