// Completion and hover on documents mangled by hundreds of random edits (seeded): they never
// throw, and every completion edit covers the cursor on the cursor's line, as editors require.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { contextFor } from '../../server/src/core/checks/index.js';
import { completions } from '../../server/src/core/complete/index.js';
import { hoverAt } from '../../server/src/core/describe/hover.js';
import { parseManifestText } from '../../server/src/core/manifest/parse.js';

const BASE = `apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata: {name: r, namespace: shop}
rules:
  - apiGroups: ["", apps]
    resources: [pods, "deployments/scale"]
    resourceNames: [a]
    verbs: [get, list]
  - nonResourceURLs: [/healthz]
    verbs:
      - get
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {name: b, namespace: shop}
subjects:
- kind: ServiceAccount
  name: web
- {kind: Group, name: "system:authenticated"}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: admin}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: d}
spec:
  template:
    spec:
      serviceAccountName: web
`;

const PIECES = [
  '-',
  ' ',
  ':',
  '[',
  ']',
  '{',
  '}',
  ',',
  '"',
  "'",
  '\n',
  '  ',
  'verbs: ',
  '---\n',
  '*',
  '&a ',
  '*a',
  '#',
  '\t',
  'x',
  '- ',
  'rules:\n',
  '\r\n',
];

/** mulberry32: small, seeded, good enough to spread edits. */
function random(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

test('hundreds of random edits: completion and hover keep answering, edits stay on the cursor line', () => {
  const rnd = random(42);
  const pick = (n: number) => Math.floor(rnd() * n);
  const ws = contextFor([parseManifestText(BASE, '/ws/base.yaml')]).workspace;
  let text = BASE;
  for (let i = 0; i < 300; i++) {
    const at = pick(text.length + 1);
    text = rnd() < 0.7 ? text.slice(0, at) + PIECES[pick(PIECES.length)] + text.slice(at) : text.slice(0, at) + text.slice(at + pick(8));
    if (i % 100 === 99) text = BASE; // start over now and then, so documents stay mostly recognisable
    const file = parseManifestText(text, '/ws/doc.yaml');
    for (let k = 0; k < 2; k++) {
      let offset = pick(text.length + 1);
      if (text[offset - 1] === '\r' && text[offset] === '\n') offset--; // inside a CRLF: no editor position
      const where = `edit ${i}, offset ${offset}: ${JSON.stringify(text.slice(Math.max(0, offset - 30), offset + 10))}`;
      for (const c of completions(ws, file, offset)) {
        const { start, end } = c.edit.span;
        assert.ok(start <= offset && offset <= end, `${where}: ${c.label} edits ${start}-${end}`);
        assert.ok(!/[\r\n]/.test(text.slice(start, end)), `${where}: ${c.label} spans lines`);
        for (const m of c.more ?? []) assert.ok(m.span.end <= start || m.span.start >= end, `${where}: overlapping edits`);
      }
      hoverAt(ws, file, offset);
    }
  }
});
