// The review APIs of the test API server (spec §9), answered by kubeid's evaluator:
// SelfSubjectAccessReview, SubjectAccessReview, LocalSubjectAccessReview, SelfSubjectRulesReview
// (authorization.k8s.io/v1) and SelfSubjectReview (authentication.k8s.io/v1); request bodies in JSON
// or Kubernetes protobuf (kubectl sends protobuf).
import { aggregateErrors, type RbacEvaluator } from '../../../server/src/core/rbac/evaluator';
import type { RequestAttributes, UserInfo } from '../../../server/src/core/rbac/types';
import { StatusError } from './store';

export const REVIEWS: Record<string, { group: string; kind: string }> = {
  selfsubjectaccessreviews: { group: 'authorization.k8s.io', kind: 'SelfSubjectAccessReview' },
  subjectaccessreviews: { group: 'authorization.k8s.io', kind: 'SubjectAccessReview' },
  localsubjectaccessreviews: { group: 'authorization.k8s.io', kind: 'LocalSubjectAccessReview' },
  selfsubjectrulesreviews: { group: 'authorization.k8s.io', kind: 'SelfSubjectRulesReview' },
  selfsubjectreviews: { group: 'authentication.k8s.io', kind: 'SelfSubjectReview' },
};

const invalid = (kind: string, group: string, message: string) =>
  new StatusError(422, 'Invalid', `${kind}.${group} "" is invalid: ${message}`, { group, kind });

/** The created review (status filled) for `o`, a decoded review of `resource` posted by `user` (after impersonation). */
export function answerReview(ev: RbacEvaluator, resource: string, namespace: string, user: UserInfo, o: any): object {
  const { group, kind } = REVIEWS[resource];
  const created = (status: object) => ({
    kind,
    apiVersion: `${group}/v1`,
    metadata: { creationTimestamp: null, ...(namespace ? { namespace } : {}) },
    ...(resource === 'selfsubjectreviews' ? {} : { spec: o?.spec ?? {} }),
    status,
  });
  switch (resource) {
    case 'selfsubjectreviews':
      return created({
        userInfo: {
          username: user.name,
          ...(user.uid ? { uid: user.uid } : {}),
          groups: user.groups,
          ...(user.extra ? { extra: user.extra } : {}),
        },
      });
    case 'selfsubjectrulesreviews': {
      const ns: string = o?.spec?.namespace ?? '';
      if (!ns) throw new StatusError(400, 'BadRequest', 'no namespace on request');
      const { rules, errors } = ev.rulesFor(user, ns);
      const resourceRules = rules
        .map((s) => s.rule)
        .filter((r) => (r.resources ?? []).length > 0)
        .map((r) => ({ verbs: r.verbs, apiGroups: r.apiGroups ?? [], resources: r.resources, resourceNames: r.resourceNames ?? [] }));
      const nonResourceRules = rules
        .map((s) => s.rule)
        .filter((r) => (r.nonResourceURLs ?? []).length > 0)
        .map((r) => ({ verbs: r.verbs, nonResourceURLs: r.nonResourceURLs }));
      return created({
        resourceRules,
        nonResourceRules,
        incomplete: false,
        ...(errors.length ? { evaluationError: aggregateErrors(errors) } : {}),
      });
    }
    default: {
      const spec = o?.spec ?? {};
      const attrs = accessAttributes(spec, kind, group);
      let subject = user;
      if (resource !== 'selfsubjectaccessreviews') {
        // The spec's user and groups verbatim: no system:authenticated added (spec §9.2).
        if (!spec.user && !(spec.groups ?? []).length) {
          throw invalid(kind, group, 'spec.user: Invalid value: "": at least one of user or group must be specified');
        }
        subject = {
          name: spec.user ?? '',
          groups: spec.groups ?? [],
          ...(spec.uid ? { uid: spec.uid } : {}),
          ...(spec.extra ? { extra: spec.extra } : {}),
        };
      }
      if (resource === 'localsubjectaccessreviews') {
        if (!attrs.resourceRequest)
          throw invalid(kind, group, 'spec.nonResourceAttributes: Invalid value: "": disallowed on this kind of request');
        if (attrs.namespace !== namespace) {
          throw invalid(
            kind,
            group,
            `spec.resourceAttributes.namespace: Invalid value: ${JSON.stringify(attrs.namespace)}: must match metadata.namespace`,
          );
        }
      }
      const d = ev.authorize(subject, attrs);
      return created({ allowed: d.allowed, ...(d.reason ? { reason: d.reason } : {}) });
    }
  }
}

function accessAttributes(spec: any, kind: string, group: string): RequestAttributes {
  const ra = spec.resourceAttributes;
  const nra = spec.nonResourceAttributes;
  if (ra && nra)
    throw invalid(kind, group, 'spec.nonResourceAttributes: Invalid value: "": cannot be specified in combination with resourceAttributes');
  if (!ra && !nra)
    throw invalid(
      kind,
      group,
      'spec.resourceAttributes: Invalid value: null: exactly one of nonResourceAttributes or resourceAttributes must be specified',
    );
  if (nra) return { resourceRequest: false, verb: nra.verb ?? '', path: nra.path ?? '' };
  return {
    resourceRequest: true,
    verb: ra.verb ?? '',
    namespace: ra.namespace ?? '',
    apiGroup: ra.group ?? '',
    resource: ra.resource ?? '',
    subresource: ra.subresource ?? '',
    name: ra.name ?? '',
  };
}

// ---------------------------------------------------------------------------------------------
// Kubernetes protobuf ("k8s\0" + runtime.Unknown), enough for the review objects clients send.

/** Message schemas: field number → [JSON name, type]: a string (no type), repeated strings, a message, or the extra map. */
interface Schema {
  [field: number]: [string, (Schema | 'strings' | 'extra')?];
}
const RESOURCE_ATTRIBUTES: Schema = {
  1: ['namespace'],
  2: ['verb'],
  3: ['group'],
  4: ['version'],
  5: ['resource'],
  6: ['subresource'],
  7: ['name'],
};
const NON_RESOURCE_ATTRIBUTES: Schema = { 1: ['path'], 2: ['verb'] };
const METADATA: Schema = { 1: ['name'], 3: ['namespace'] };
const ACCESS_SPEC: Schema = {
  1: ['resourceAttributes', RESOURCE_ATTRIBUTES],
  2: ['nonResourceAttributes', NON_RESOURCE_ATTRIBUTES],
  3: ['user'],
  4: ['groups', 'strings'],
  5: ['extra', 'extra'],
  6: ['uid'],
};
const SCHEMAS: Record<string, Schema> = {
  SelfSubjectAccessReview: { 1: ['metadata', METADATA], 2: ['spec', { 1: ACCESS_SPEC[1], 2: ACCESS_SPEC[2] }] },
  SubjectAccessReview: { 1: ['metadata', METADATA], 2: ['spec', ACCESS_SPEC] },
  LocalSubjectAccessReview: { 1: ['metadata', METADATA], 2: ['spec', ACCESS_SPEC] },
  SelfSubjectRulesReview: { 1: ['metadata', METADATA], 2: ['spec', { 1: ['namespace'] }] },
  SelfSubjectReview: { 1: ['metadata', METADATA] },
};

export function decodeProtobuf(body: Buffer): any {
  if (body.subarray(0, 4).toString('latin1') !== 'k8s\0') throw new Error('no k8s protobuf magic');
  const unknown = protoFields(body.subarray(4));
  const typeMeta = decodeMessage(unknown.get(1)?.[0], { 1: ['apiVersion'], 2: ['kind'] });
  const schema = SCHEMAS[typeMeta.kind as string];
  if (!schema) throw new Error(`no schema for ${String(typeMeta.kind)}`);
  return { ...typeMeta, ...decodeMessage(unknown.get(2)?.[0], schema) };
}

const utf8 = (b: Uint8Array) => Buffer.from(b).toString('utf8');

function decodeMessage(buf: Uint8Array | undefined, schema: Schema): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [field, values] of buf ? protoFields(buf) : []) {
    const s = schema[field];
    if (!s) continue;
    const [name, type] = s;
    if (type === 'strings') out[name] = values.map(utf8);
    else if (type === 'extra') {
      // map<string, ExtraValue>: entries {1: key, 2: ExtraValue {1: repeated string}}
      const extra: Record<string, string[]> = {};
      for (const entry of values) {
        const e = protoFields(entry);
        const key = utf8(e.get(1)?.[0] ?? new Uint8Array());
        extra[key] = (e.get(2)?.[0] ? (protoFields(e.get(2)![0]).get(1) ?? []) : []).map(utf8);
      }
      out[name] = extra;
    } else out[name] = type ? decodeMessage(values[values.length - 1], type) : utf8(values[values.length - 1]);
  }
  return out;
}

/** The length-delimited fields of a message by number (other wire types skipped). */
function protoFields(buf: Uint8Array): Map<number, Uint8Array[]> {
  const out = new Map<number, Uint8Array[]>();
  let i = 0;
  const varint = () => {
    let v = 0;
    for (let shift = 0; ; shift += 7) {
      if (i >= buf.length) throw new Error('truncated protobuf');
      const b = buf[i++];
      v += (b & 0x7f) * 2 ** shift;
      if (!(b & 0x80)) return v;
    }
  };
  while (i < buf.length) {
    const tag = varint();
    const wire = tag % 8;
    if (wire === 0) varint();
    else if (wire === 1) i += 8;
    else if (wire === 5) i += 4;
    else if (wire === 2) {
      const n = varint();
      if (i + n > buf.length) throw new Error('truncated protobuf');
      const list = out.get(Math.floor(tag / 8)) ?? [];
      list.push(buf.subarray(i, i + n));
      out.set(Math.floor(tag / 8), list);
      i += n;
    } else throw new Error(`protobuf wire type ${wire}`);
  }
  return out;
}
