// Property tests of the RBAC evaluator: can-i, who-can and rules-for must tell the same story,
// resolution errors never deny, and RoleBindings only ever grant in their own namespace.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { rulesEqual } from '../../server/src/core/rbac/aggregation';
import { RbacEvaluator, aggregateErrors, appliesToUser, describeSource, type Binding } from '../../server/src/core/rbac/evaluator';
import { MASTERS, serviceAccountUsername } from '../../server/src/core/rbac/identity';
import { ruleAllows } from '../../server/src/core/rbac/matchers';
import type { ClusterRoleBinding, Policy, RequestAttributes, RoleBinding, Subject, UserInfo } from '../../server/src/core/rbac/types';
import { clusterRoleBinding, roleBinding } from '../helpers/policy';
import { NAMESPACES, denotedBy, identities, identitiesOf, nsOf, params, policyAndRequests, subject } from './arbitraries';

const bindingNamespace = (b: Binding) => (b.kind === 'RoleBinding' ? (b.metadata.namespace ?? '') : '');
const who = (u: UserInfo) => `${u.name} ${JSON.stringify(u.groups)}`;
const show = (req: RequestAttributes) => JSON.stringify(req);

/** Does a who-can entry name this identity? */
function names(s: Subject, u: UserInfo): boolean {
  switch (s.kind) {
    case 'User':
      return s.name === u.name;
    case 'Group':
      return u.groups.includes(s.name);
    case 'ServiceAccount':
      return !!s.namespace && serviceAccountUsername(s.namespace, s.name) === u.name;
    default:
      return false;
  }
}

test('who-can agrees with can-i for every identity the subjects denote', () => {
  fc.assert(
    fc.property(policyAndRequests, identities, ([p, reqs], extra) => {
      const ev = new RbacEvaluator(p);
      const users = [...identitiesOf(p), ...extra];
      for (const req of reqs) {
        const { entries, ignored } = ev.whoCan(req);
        for (const u of users) {
          const listed = entries.some((e) => names(e.subject, u));
          assert.equal(ev.authorize(u, req).allowed, listed, `${who(u)} on ${show(req)}`);
        }
        // Every listed subject (but the built-in masters entry) really is allowed.
        for (const e of entries) {
          if (!e.source) {
            assert.deepEqual([e.subject.kind, e.subject.name], ['Group', MASTERS]);
            continue;
          }
          if (e.subject.kind === 'ServiceAccount') assert.ok(e.subject.namespace, 'service-account entries carry their namespace');
          const u = denotedBy(e.subject, bindingNamespace(e.source.binding));
          assert.ok(u, `entry ${JSON.stringify(e.subject)} denotes nobody`);
          assert.equal(ev.authorize(u, req).allowed, true, `${who(u)} listed for ${show(req)}`);
        }
        // Subjects set apart really can never match.
        for (const i of ignored) assert.equal(denotedBy(i.subject, bindingNamespace(i.binding)), undefined);
      }
    }),
    params(1001, 400),
  );
});

test('rules-for agrees with can-i (identities outside system:masters)', () => {
  fc.assert(
    fc.property(policyAndRequests, identities, ([p, reqs], extra) => {
      const ev = new RbacEvaluator(p);
      const users = [...identitiesOf(p), ...extra].filter((u) => !u.groups.includes(MASTERS));
      for (const req of reqs) {
        for (const u of users) {
          const viaRules = ev.rulesFor(u, nsOf(req)).rules.some((r) => ruleAllows(req, r.rule));
          assert.equal(ev.authorize(u, req).allowed, viaRules, `${who(u)} on ${show(req)}`);
        }
      }
    }),
    params(1002, 300),
  );
});

/** Bindings whose role can never resolve: missing roles, unknown kinds, a ClusterRoleBinding to a Role. */
const dangling: fc.Arbitrary<RoleBinding | ClusterRoleBinding> = fc.oneof(
  fc
    .record({
      ns: fc.constantFrom(...NAMESPACES),
      ref: fc.constantFrom({ kind: 'Role', name: 'gone' }, { kind: 'ClusterRole', name: 'gone' }, { kind: 'Policy', name: 'c1' }),
      subjects: fc.array(subject, { minLength: 1, maxLength: 3 }),
    })
    .map(({ ns, ref, subjects }) => roleBinding(ns, 'dangling', ref, subjects)),
  fc
    .record({
      ref: fc.constantFrom({ kind: 'Role', name: 'r1' }, { kind: 'Role', name: 'r2' }, { kind: 'ClusterRole', name: 'gone' }),
      subjects: fc.array(subject, { minLength: 1, maxLength: 3 }),
    })
    .map(({ ref, subjects }) => clusterRoleBinding('dangling', ref, subjects)),
);

/** The policy with `b` inserted at `at` (modulo length) of its kind's list. */
function withBinding(p: Policy, b: RoleBinding | ClusterRoleBinding, at: number): Policy {
  const insert = <T>(list: T[], x: T) => [...list.slice(0, at % (list.length + 1)), x, ...list.slice(at % (list.length + 1))];
  return b.kind === 'RoleBinding'
    ? { ...p, roleBindings: insert(p.roleBindings, b) }
    : { ...p, clusterRoleBindings: insert(p.clusterRoleBindings, b) };
}

test('RBAC never denies on errors: a binding to a missing role (or a ClusterRoleBinding to a Role) changes no decision', () => {
  fc.assert(
    fc.property(policyAndRequests, dangling, fc.nat(), identities, ([p, reqs], bad, at, extra) => {
      const before = new RbacEvaluator(p);
      const after = new RbacEvaluator(withBinding(p, bad, at));
      const users = [...identitiesOf(p), ...identitiesOf(withBinding(p, bad, 0)), ...extra];
      for (const req of reqs) {
        for (const u of users) {
          const [b, a] = [before.authorize(u, req), after.authorize(u, req)];
          assert.equal(a.allowed, b.allowed, `${who(u)} on ${show(req)}`);
          if (b.allowed) assert.equal(a.reason, b.reason);
        }
        assert.deepEqual(after.whoCan(req).entries, before.whoCan(req).entries);
      }
    }),
    params(1003, 300),
  );
});

test('RBAC is monotonic: removing a binding never allows more, and keeps what other bindings allowed', () => {
  fc.assert(
    fc.property(policyAndRequests, fc.nat(), identities, ([p, reqs], pick, extra) => {
      const all: Binding[] = [...p.clusterRoleBindings, ...p.roleBindings];
      fc.pre(all.length > 0);
      const gone = all[pick % all.length];
      const smaller: Policy = {
        ...p,
        clusterRoleBindings: p.clusterRoleBindings.filter((b) => b !== gone),
        roleBindings: p.roleBindings.filter((b) => b !== gone),
      };
      const before = new RbacEvaluator(p);
      const after = new RbacEvaluator(smaller);
      for (const req of reqs) {
        for (const u of [...identitiesOf(p), ...extra]) {
          const [b, a] = [before.authorize(u, req), after.authorize(u, req)];
          if (a.allowed) assert.equal(b.allowed, true, `removing a binding allowed ${who(u)} on ${show(req)}`);
          if (b.allowed && b.source?.binding !== gone) assert.equal(a.allowed, true, `${who(u)} on ${show(req)}`);
        }
      }
    }),
    params(1004, 300),
  );
});

/** The policy keeping only the RoleBindings of `namespace` (all ClusterRoleBindings stay). */
const onlyRoleBindingsOf = (p: Policy, namespace: string): Policy => ({
  ...p,
  roleBindings: p.roleBindings.filter((b) => b.metadata.namespace === namespace),
});

test('scoping: RoleBindings of other namespaces never matter; with its RoleBindings moved away a namespace keeps only ClusterRoleBinding grants', () => {
  const moveTo = 'moved';
  fc.assert(
    fc.property(policyAndRequests, fc.constantFrom(...NAMESPACES), identities, ([p, reqs], n, extra) => {
      const ev = new RbacEvaluator(p);
      const crbOnly = new RbacEvaluator(onlyRoleBindingsOf(p, ''));
      // Roles and RoleBindings of n go to another namespace; references stay intact there.
      const move = <T extends { metadata: { namespace?: string } }>(o: T): T =>
        o.metadata.namespace === n ? { ...o, metadata: { ...o.metadata, namespace: moveTo } } : o;
      const moved = new RbacEvaluator({ ...p, roles: p.roles.map(move), roleBindings: p.roleBindings.map(move) });
      for (const req of reqs) {
        const scoped = new RbacEvaluator(onlyRoleBindingsOf(p, nsOf(req)));
        for (const u of [...identitiesOf(p), ...extra]) {
          const allowed = ev.authorize(u, req).allowed;
          const msg = `${who(u)} on ${show(req)}`;
          assert.equal(scoped.authorize(u, req).allowed, allowed, msg);
          if (nsOf(req) === '') assert.equal(crbOnly.authorize(u, req).allowed, allowed, msg);
          const expected = nsOf(req) === n ? crbOnly.authorize(u, req).allowed : allowed;
          assert.equal(moved.authorize(u, req).allowed, expected, `after moving ${n} away: ${msg}`);
        }
      }
    }),
    params(1005, 300),
  );
});

/** Spec §4.1–4.2 read naively: ClusterRoleBindings, then RoleBindings of the namespace, in input order. */
function firstAllowing(ev: RbacEvaluator, u: UserInfo, req: RequestAttributes): [Binding, number, number] | undefined {
  const ns = nsOf(req);
  const bindings: Binding[] = [
    ...ev.policy.clusterRoleBindings,
    ...(ns ? ev.policy.roleBindings.filter((b) => b.metadata.namespace === ns) : []),
  ];
  for (const b of bindings) {
    const subjectIndex = b.subjects.findIndex((s) => appliesToUser(u, s, bindingNamespace(b)));
    const resolved = subjectIndex < 0 ? undefined : ev.resolveRoleRef(b, bindingNamespace(b));
    if (!resolved || 'error' in resolved) continue;
    const ruleIndex = resolved.role.rules.findIndex((r) => ruleAllows(req, r));
    if (ruleIndex >= 0) return [b, subjectIndex, ruleIndex];
  }
  return undefined;
}

test('authorize explains itself: the reason, source rule and first matching subject are consistent', () => {
  fc.assert(
    fc.property(policyAndRequests, identities, ([p, reqs], extra) => {
      const ev = new RbacEvaluator(p);
      for (const req of reqs) {
        for (const u of [...identitiesOf(p), ...extra]) {
          const msg = `${who(u)} on ${show(req)}`;
          const d = ev.authorizeRbac(u, req);
          // With system:masters the chain answers before RBAC; otherwise it is RBAC's answer.
          if (u.groups.includes(MASTERS)) assert.equal(ev.authorize(u, req).allowedBy, 'system:masters', msg);
          else assert.deepEqual(ev.authorize(u, req), d, msg);
          const rules = ev.rulesFor(u, nsOf(req));
          if (!d.allowed) {
            // Nothing allows it; the reason lists every resolution error.
            assert.equal(d.source, undefined, msg);
            assert.equal(firstAllowing(ev, u, req), undefined, msg);
            assert.deepEqual(d.errors, rules.errors, msg);
            assert.equal(d.reason, rules.errors.length ? `RBAC: ${aggregateErrors(rules.errors)}` : '', msg);
            continue;
          }
          const src = d.source!;
          assert.equal(d.allowedBy, 'rbac');
          assert.equal(d.reason, `RBAC: allowed by ${describeSource(src)}`, msg);
          assert.equal(ruleAllows(req, src.role.rules[src.ruleIndex]), true, msg);
          const ns = bindingNamespace(src.binding);
          assert.equal(
            src.binding.subjects.findIndex((s) => appliesToUser(u, s, ns)),
            src.subjectIndex,
            msg,
          );
          // The role is the one the binding references, and the source is the first allowing rule visited.
          assert.deepEqual(ev.resolveRoleRef(src.binding, ns), { role: src.role }, msg);
          assert.deepEqual(rules.rules.find((r) => ruleAllows(req, r.rule))?.source, src, msg);
          assert.deepEqual(firstAllowing(ev, u, req), [src.binding, src.subjectIndex, src.ruleIndex], msg);
          // An aggregated rule is credited to a ClusterRole that holds it.
          if (src.aggregatedFrom !== undefined) {
            const from = ev.clusterRole(src.aggregatedFrom);
            assert.ok(
              from?.rules.some((r) => rulesEqual(r, src.role.rules[src.ruleIndex])),
              `aggregatedFrom ${src.aggregatedFrom}: ${msg}`,
            );
          }
        }
      }
    }),
    params(1007, 400),
  );
});
