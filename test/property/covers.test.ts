// Property tests of Covers (escalation checks) against RuleAllows (request matching).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { breakdownRule, covers } from '../../server/src/core/rbac/covers';
import { ruleAllows, trimStars } from '../../server/src/core/rbac/matchers';
import type { PolicyRule, RequestAttributes } from '../../server/src/core/rbac/types';
import { RULE_GROUPS, RULE_NAMES, RULE_RESOURCES, RULE_URLS, RULE_VERBS, params, rule } from './arbitraries';

// Concrete request values: no "*" in verb, group, resource or name.
const VERBS = ['get', 'list', 'create', 'post', 'delete'];
const GROUPS = ['', 'apps', 'batch'];
const RESOURCES = ['pods', 'deployments', 'nodes'];
const SUBRESOURCES = ['', 'exec', 'scale', 'status'];
const NAMES = ['', 'web', 'db', 'other'];
const PATHS = ['/healthz', '/healthz/ready', '/api', '/apis', '/api/v1', '/apis/apps', '/', ''];

const concreteRequest: fc.Arbitrary<RequestAttributes> = fc.oneof(
  fc.record({
    resourceRequest: fc.constant(true as const),
    verb: fc.constantFrom(...VERBS),
    namespace: fc.constantFrom('', 'ns1'),
    apiGroup: fc.constantFrom(...GROUPS),
    resource: fc.constantFrom(...RESOURCES),
    subresource: fc.constantFrom(...SUBRESOURCES),
    name: fc.constantFrom(...NAMES),
  }),
  fc.record({ resourceRequest: fc.constant(false as const), verb: fc.constantFrom(...VERBS), path: fc.constantFrom(...PATHS) }),
);

/** A concrete request that a broken-down rule plausibly allows: its stars filled in by `choices`. */
function instantiate(sub: PolicyRule, choices: number[]): RequestAttributes {
  const pick = (values: string[], i: number) => values[choices[i] % values.length];
  const verb = sub.verbs[0] === '*' ? pick(VERBS, 0) : sub.verbs[0];
  if (sub.nonResourceURLs?.length) {
    const u = sub.nonResourceURLs[0];
    const path = u.endsWith('*') ? trimStars(u) + pick(['', '/v1', 's', 'z'], 1) : u;
    return { resourceRequest: false, verb, path };
  }
  const r = sub.resources![0];
  const [resource, subresource] = r === '*' ? [pick(RESOURCES, 1), pick(SUBRESOURCES, 2)] : r.includes('/') ? r.split('/', 2) : [r, ''];
  return {
    resourceRequest: true,
    verb,
    namespace: 'ns1',
    apiGroup: sub.apiGroups![0] === '*' ? pick(GROUPS, 3) : sub.apiGroups![0],
    resource: resource === '*' ? pick(RESOURCES, 4) : resource,
    subresource,
    name: sub.resourceNames?.length ? sub.resourceNames[0] : pick(NAMES, 5),
  };
}

const choices = fc.array(fc.array(fc.nat(), { minLength: 6, maxLength: 6 }), { minLength: 1, maxLength: 8 });

const isConcrete = (req: RequestAttributes) =>
  req.resourceRequest ? ![req.verb, req.apiGroup, req.resource, req.name].some((v) => v.includes('*')) : !req.verb.includes('*');

/** Some of `values`, rarely plus one value from `vocabulary` (a near miss). */
const narrowed = (values: string[] | undefined, vocabulary: string[], minLength = 0) =>
  fc
    .oneof(
      { weight: 4, arbitrary: fc.constant(values ?? []) },
      { weight: 1, arbitrary: fc.constantFrom(...vocabulary).map((v) => [...(values ?? []), v]) },
    )
    .chain((vs) => fc.subarray([...new Set(vs)], { minLength: Math.min(minLength, vs.length) }));

/** A servant rule narrowed from an owner rule (usually covered, sometimes a near miss), or a random one. */
const servantOf = (owner: PolicyRule[]): fc.Arbitrary<PolicyRule> =>
  fc.oneof(
    {
      weight: 3,
      arbitrary: fc.constantFrom(...owner).chain((o) =>
        fc.record({
          verbs: narrowed(o.verbs, RULE_VERBS, 1),
          apiGroups: narrowed(o.apiGroups, RULE_GROUPS),
          resources: narrowed(o.resources, RULE_RESOURCES),
          resourceNames: o.resourceNames?.length
            ? narrowed(o.resourceNames, RULE_NAMES, 1)
            : fc.constantFrom<string[]>([], ['web'], ['db']),
          nonResourceURLs: narrowed(o.nonResourceURLs, RULE_URLS),
        }),
      ),
    },
    { weight: 1, arbitrary: rule },
  );

const ownerAndServant = fc
  .array(rule, { minLength: 1, maxLength: 4 })
  .chain((owner) => fc.tuple(fc.constant(owner), fc.array(servantOf(owner), { minLength: 1, maxLength: 3 })));

/** Invalid rules with both resourceNames and nonResourceURLs: Go's ruleCovers does not cover them with themselves. */
const mixesNamesAndURLs = (r: PolicyRule) => !!r.resourceNames?.length && !!r.nonResourceURLs?.length;

test('covers is sound: a covered servant allows no concrete request the owner does not', () => {
  let checked = 0;
  fc.assert(
    fc.property(ownerAndServant, fc.array(concreteRequest, { maxLength: 10 }), choices, ([owner, servant], random, ch) => {
      if (!covers(owner, servant).covered) return;
      const derived = servant.flatMap(breakdownRule).map((sub, i) => instantiate(sub, ch[i % ch.length]));
      for (const req of [...derived, ...random].filter(isConcrete)) {
        if (!servant.some((s) => ruleAllows(req, s))) continue;
        checked++;
        assert.ok(
          owner.some((o) => ruleAllows(req, o)),
          `owner ${JSON.stringify(owner)} covers ${JSON.stringify(servant)} but not ${JSON.stringify(req)}`,
        );
      }
    }),
    params(2001, 1500),
  );
  assert.ok(checked > 500, `only ${checked} covered requests were checked`);
});

test('covers is exact for concrete servants: covered iff the owner allows the request the subrule names', () => {
  fc.assert(
    fc.property(ownerAndServant, ([owner, servant]) => {
      fc.pre(!owner.some(mixesNamesAndURLs));
      for (const sub of servant.flatMap(breakdownRule)) {
        const values = [...sub.verbs, ...(sub.apiGroups ?? []), ...(sub.resources ?? []), ...(sub.nonResourceURLs ?? [])];
        if (values.some((v) => v.includes('*')) || sub.resourceNames?.includes('*')) continue;
        // No name (as in create or list) unless the subrule names one: rules with resourceNames never allow it.
        const witness: RequestAttributes = sub.nonResourceURLs?.length
          ? { resourceRequest: false, verb: sub.verbs[0], path: sub.nonResourceURLs[0] }
          : {
              resourceRequest: true,
              verb: sub.verbs[0],
              namespace: '',
              apiGroup: sub.apiGroups![0],
              resource: sub.resources![0].split('/')[0],
              subresource: sub.resources![0].split('/')[1] ?? '',
              name: sub.resourceNames?.[0] ?? '',
            };
        assert.equal(
          covers(owner, [sub]).covered,
          owner.some((o) => ruleAllows(witness, o)),
          `owner ${JSON.stringify(owner)} vs ${JSON.stringify(sub)}`,
        );
      }
    }),
    params(2002, 1500),
  );
});

test('covers is reflexive: rules cover themselves and any subset of themselves', () => {
  fc.assert(
    fc.property(
      fc.array(rule, { maxLength: 5 }).filter((rs) => !rs.some(mixesNamesAndURLs)),
      fc.nat(),
      (rules, drop) => {
        assert.deepEqual(covers(rules, rules), { covered: true, missing: [] });
        const subset = rules.filter((_, i) => i !== drop % Math.max(rules.length, 1));
        assert.equal(covers(rules, subset).covered, true);
      },
    ),
    params(2003, 1000),
  );
});
