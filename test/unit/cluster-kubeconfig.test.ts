// Kubeconfig loading as kubectl does it (merging KUBECONFIG files, relative paths, --context), how a
// user authenticates, the untrusted-workspace guard for exec plugins, and credential redaction.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { loadKubeconfig } from '../../server/src/cluster/kubeconfig';
import { redact, userSecrets } from '../../server/src/cluster/redact';
import { ClusterError } from '../../server/src/core/cluster/source';

const JWT_NO_EXP = 'eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJqYW5lIn0.c2lnbmF0dXJlLXNpZ25hdHVyZQ';

function write(dir: string, name: string, config: object): string {
  const f = join(dir, name);
  writeFileSync(f, JSON.stringify({ apiVersion: 'v1', kind: 'Config', ...config }));
  return f;
}

test('KUBECONFIG files merge as kubectl merges them: the first definition and the first current-context win', () => {
  const dir = mkdtempSync(join(tmpdir(), 'kubeid-kc-'));
  mkdirSync(join(dir, 'b'));
  const a = write(dir, 'a', {
    clusters: [{ name: 'c1', cluster: { server: 'https://first.example:6443', 'certificate-authority': 'ca.crt' } }],
    users: [{ name: 'u1', user: { token: 'first-token-value' } }],
    contexts: [{ name: 'ctx1', context: { cluster: 'c1', user: 'u1' } }],
  });
  const b = write(join(dir, 'b'), 'b', {
    'current-context': 'ctx2',
    clusters: [
      { name: 'c1', cluster: { server: 'https://second.example:6443' } },
      { name: 'c2', cluster: { server: 'https://c2.example' } },
    ],
    users: [{ name: 'u2', user: { 'client-certificate': 'u2.crt', 'client-key': 'u2.key' } }],
    contexts: [{ name: 'ctx2', context: { cluster: 'c1', user: 'u2', namespace: 'shop' } }],
  });
  const c = write(dir, 'c', { 'current-context': 'ctx1' });
  const env = { KUBECONFIG: [a, join(dir, 'missing'), '', b, c].join(delimiter) };
  const k = loadKubeconfig({ env });
  assert.deepEqual(k.files, [a, b, c], 'missing and empty entries are skipped');
  assert.equal(k.context, 'ctx2', 'the first file that sets current-context wins');
  assert.equal(k.namespace, 'shop');
  assert.deepEqual(k.cluster, { name: 'c1', server: 'https://first.example:6443' }, 'the first file to define c1 wins');
  const raw = k.raw as any;
  assert.equal(raw.clusters[0].cluster['certificate-authority'], join(dir, 'ca.crt'), 'paths resolve against the file that names them');
  assert.equal(raw.users[0].user['client-certificate'], join(dir, 'b', 'u2.crt'));

  const other = loadKubeconfig({ env, context: 'ctx1' });
  assert.equal(other.namespace, 'default');
  assert.equal(other.auth.kind, 'token');
  assert.deepEqual(other.secrets, ['first-token-value']);
  assert.throws(
    () => loadKubeconfig({ env, context: 'nope' }),
    (e: unknown) => e instanceof ClusterError && /context "nope" not found/.test(e.message),
  );
  assert.deepEqual(loadKubeconfig({ kubeconfig: a, context: 'ctx1', env: { KUBECONFIG: b } }).files, [a], '--kubeconfig alone');
  assert.throws(() => loadKubeconfig({ kubeconfig: c, env: {} }), /context "ctx1" not found/);
  assert.throws(() => loadKubeconfig({ env: {}, home: dir }), /no kubeconfig: .*\.kube\/config does not exist/);
});

test('how a user authenticates, with long-lived credentials named', () => {
  const dir = mkdtempSync(join(tmpdir(), 'kubeid-kc-'));
  writeFileSync(join(dir, 'token'), `${JWT_NO_EXP}\n`);
  const f = write(dir, 'config', {
    clusters: [{ name: 'c', cluster: { server: 'https://k.example' } }],
    users: [
      {
        name: 'oidc',
        user: { exec: { apiVersion: 'client.authentication.k8s.io/v1', command: 'kubectl', args: ['oidc-login', 'get-token'] } },
      },
      { name: 'static', user: { tokenFile: 'token' } },
      { name: 'basic', user: { username: 'admin', password: 'hunter2-password' } },
      {
        name: 'legacy',
        user: { 'auth-provider': { name: 'oidc', config: { 'id-token': 'the-id-token', 'refresh-token': 'the-refresh-token' } } },
      },
    ],
    contexts: ['oidc', 'static', 'basic', 'legacy'].map((u) => ({ name: u, context: { cluster: 'c', user: u } })),
  });
  const auth = (context: string) => loadKubeconfig({ kubeconfig: f, context });
  assert.equal(auth('oidc').auth.kind, 'exec');
  assert.match(auth('oidc').auth.description, /exec plugin kubectl \(OIDC\)/);
  assert.equal(auth('oidc').auth.longLived, undefined);
  const st = auth('static');
  assert.equal(st.auth.kind, 'token-file');
  assert.match(st.auth.longLived ?? '', /static bearer token/);
  assert.deepEqual(st.secrets, [JWT_NO_EXP], 'the token read from tokenFile (trimmed) is a secret');
  assert.match(auth('basic').auth.longLived ?? '', /password/);
  assert.deepEqual(auth('basic').secrets, ['hunter2-password']);
  assert.match(auth('legacy').auth.description, /deprecated/);
  assert.deepEqual(auth('legacy').secrets.sort(), ['the-id-token', 'the-refresh-token']);
});

test('an exec plugin named by a kubeconfig inside an untrusted workspace is refused, with why', () => {
  const ws = mkdtempSync(join(tmpdir(), 'kubeid-ws-'));
  const f = write(ws, 'kubeconfig', {
    'current-context': 'x',
    clusters: [{ name: 'c', cluster: { server: 'https://k.example' } }],
    users: [{ name: 'u', user: { exec: { command: './steal-credentials.sh', env: [{ name: 'SECRET', value: 'exec-env-secret' }] } } }],
    contexts: [{ name: 'x', context: { cluster: 'c', user: 'u' } }],
  });
  assert.throws(
    () => loadKubeconfig({ kubeconfig: f, workspace: { folder: ws, trusted: false } }),
    (e: unknown) =>
      e instanceof ClusterError &&
      e.code === 'config' &&
      e.message.includes(`refusing to run the exec plugin "${join(ws, 'steal-credentials.sh')}"`) &&
      e.message.includes('untrusted workspace'),
  );
  const trusted = loadKubeconfig({ kubeconfig: f, workspace: { folder: ws, trusted: true } });
  assert.deepEqual(trusted.secrets, ['exec-env-secret'], 'exec env values are secrets');
  const elsewhere = mkdtempSync(join(tmpdir(), 'kubeid-other-'));
  assert.equal(
    loadKubeconfig({ kubeconfig: f, workspace: { folder: elsewhere, trusted: false } }).auth.kind,
    'exec',
    "a kubeconfig outside the workspace is the user's own",
  );
});

test('redaction removes known secrets and anything shaped like a credential', () => {
  const key = '-----BEGIN RSA PRIVATE KEY-----\nMIIEow\nabc\n-----END RSA PRIVATE KEY-----';
  const text = [
    'token my-secret-token-123 refused',
    `Authorization: Bearer abc.def-ghi`,
    `jwt ${JWT_NO_EXP} here`,
    key,
    'password=hunter2 and "client_secret": "s3cr3t"',
    'proxy https://admin:pr0xy-pass@proxy.example:3128',
  ].join('\n');
  const out = redact(text, ['my-secret-token-123', 'ab']);
  for (const s of ['my-secret-token-123', 'abc.def-ghi', JWT_NO_EXP, 'MIIEow', 'hunter2', 's3cr3t', 'pr0xy-pass'])
    assert.ok(!out.includes(s), `${s} left in:\n${out}`);
  assert.match(out, /token \[REDACTED\] refused/);
  assert.match(out, /\[REDACTED PRIVATE KEY\]/);
  assert.ok(out.includes('and'), 'short secrets (2 chars) do not blank out ordinary text');
  const keyData = Buffer.from(key).toString('base64');
  assert.ok(userSecrets({ 'client-key-data': keyData }).includes(key), 'a base64 key is also searched for decoded');
});
