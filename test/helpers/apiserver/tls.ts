// Certificates for the test API server, made at start with the openssl command (node cannot issue
// X.509 certificates): a CA, a server certificate for 127.0.0.1 / localhost, and client certificates
// whose subject says who the client is as the API server reads it (CN = user name, each O a group).
// P-256 keys: issuing one takes a few milliseconds.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface Certificates {
  caPem: string;
  caKeyPem: string;
  serverCertPem: string;
  serverKeyPem: string;
}

export interface KeyPair {
  certPem: string;
  keyPem: string;
}

const KEY = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-days', '2'];

/** `openssl req -x509 ...` in a scratch folder holding the given files; returns the new certificate and key. */
function issue(subject: string, extensions: string[], files: Record<string, string> = {}, signed = true): KeyPair {
  const dir = mkdtempSync(join(tmpdir(), 'kubeid-tls-'));
  try {
    for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text, { mode: 0o600 });
    const args = ['req', '-x509', ...KEY, '-keyout', 'key.pem', '-out', 'cert.pem', '-subj', subject];
    if (signed) args.push('-CA', 'ca.pem', '-CAkey', 'ca-key.pem');
    for (const e of extensions) args.push('-addext', e);
    const r = spawnSync('openssl', args, { cwd: dir, encoding: 'utf8' });
    if (r.error) throw new Error(`the test API server needs the openssl command: ${r.error.message}`);
    if (r.status !== 0) throw new Error(`openssl ${args.join(' ')}: ${r.stderr}`);
    return { certPem: readFileSync(join(dir, 'cert.pem'), 'utf8'), keyPem: readFileSync(join(dir, 'key.pem'), 'utf8') };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** An RDN value escaped for openssl's -subj (which splits on "/" and "=", and treats "\" as the escape). */
const rdn = (s: string) => s.replace(/[\\/=+,]/g, (c) => `\\${c}`);

export function makeCertificates(): Certificates {
  const ca = issue('/CN=kubeid-test-ca', ['basicConstraints=critical,CA:TRUE', 'keyUsage=critical,keyCertSign,cRLSign'], {}, false);
  const server = issue(
    '/CN=kube-apiserver',
    ['subjectAltName=IP:127.0.0.1,DNS:localhost', 'extendedKeyUsage=serverAuth', 'basicConstraints=critical,CA:FALSE'],
    { 'ca.pem': ca.certPem, 'ca-key.pem': ca.keyPem },
  );
  return { caPem: ca.certPem, caKeyPem: ca.keyPem, serverCertPem: server.certPem, serverKeyPem: server.keyPem };
}

/** A client certificate for `user` in `groups`, signed by the CA. */
export function issueClientCert(certs: Certificates, user: string, groups: string[]): KeyPair {
  const subject = [...groups.map((g) => `/O=${rdn(g)}`), `/CN=${rdn(user)}`].join('');
  return issue(subject, ['extendedKeyUsage=clientAuth', 'basicConstraints=critical,CA:FALSE'], {
    'ca.pem': certs.caPem,
    'ca-key.pem': certs.caKeyPem,
  });
}
