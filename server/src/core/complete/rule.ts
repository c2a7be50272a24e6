// Completion inside a Role's or ClusterRole's rules: verbs (the named resources' own first),
// apiGroups, resources and subresources of the rule's groups (filling the group in when the rule
// has none), resourceNames of known objects, nonResourceURLs, and the rule's keys.
import { ApiIndex, HTTP_VERBS, SPECIAL_VERBS } from '../checks/api';
import { splitResource } from '../checks/rule-scope';
import { listAt, textAt, type Cursor } from '../cursor/cursor';
import { infosFor, ownVerbs, STANDARD_VERBS, verbMeaning } from '../describe/verbs';
import { nodeAt, type YNode } from '../manifest/parse';
import type { Workspace } from '../policy/workspace';
import { keyCandidate, valueCandidate, type Candidate, type TextEdit } from './candidate';
import { knownNames } from './known';

/** Non-resource URLs every cluster serves, offered next to those the default policy names. */
const COMMON_URLS = [
  '/healthz',
  '/livez',
  '/readyz',
  '/metrics',
  '/version',
  '/api',
  '/api/*',
  '/apis',
  '/apis/*',
  '/openapi',
  '/openapi/*',
  '*',
];

const RULE_KEYS: Array<[string, string]> = [
  ['apiGroups', 'API groups of the resources ("" is the core group)'],
  ['resources', 'resources, resource/subresource, or "*"'],
  ['verbs', 'what may be done'],
  ['resourceNames', 'only these objects (by name)'],
  ['nonResourceURLs', 'URL paths such as /healthz (ClusterRoles only, in a rule of their own)'],
];

export function ruleCandidates(c: Cursor, ws: Workspace, text: string, kind: string): Candidate[] {
  const index = c.path[1] as number;
  const rule = nodeAt(c.object!, ['rules', index]);
  if (c.path.length === 2) return ruleKeys(c, rule, kind);
  const field = c.path[2];
  if (typeof field !== 'string' || c.at !== 'value' || c.path.length > 4) return [];
  const api = ApiIndex.of(ws.catalogue);
  const own = (f: string) => (f === field ? c.siblings : listAt(rule, [f]));
  const groups = own('apiGroups');
  const resources = own('resources');
  switch (field) {
    case 'verbs':
      return verbs(c, text, api, groups, resources, own('nonResourceURLs').length > 0 && resources.length === 0);
    case 'apiGroups':
      return apiGroups(c, text, api, resources);
    case 'resources':
      return resourceNamesOf(c, text, api, groups, rule);
    case 'resourceNames':
      return objectNames(c, text, ws, api, groups, resources, kind);
    case 'nonResourceURLs':
      return urls(c, text, ws);
  }
  return [];
}

function ruleKeys(c: Cursor, rule: YNode | undefined, kind: string): Candidate[] {
  const present = new Set(rule?.type === 'map' ? rule.entries.map((e) => e.key) : []);
  return RULE_KEYS.filter(([k]) => !present.has(k) && !(kind === 'Role' && k === 'nonResourceURLs')).map(([k, d], i) =>
    keyCandidate(c, k, d, i),
  );
}

function verbs(c: Cursor, text: string, api: ApiIndex, groups: string[], resources: string[], nonResource: boolean): Candidate[] {
  const taken = new Set(c.siblings);
  const out: Candidate[] = [];
  const add = (verb: string, tier: number, rank: number, description?: string) => {
    if (taken.has(verb) || out.some((o) => o.label === verb)) return;
    out.push(valueCandidate(c, text, verb, { kind: 'verb', tier, rank, detail: verbMeaning(verb, nonResource), description }));
  };
  if (nonResource) {
    HTTP_VERBS.forEach((v, i) => add(v, 0, i));
  } else {
    const own = ownVerbs(api, groups, resources);
    const names = resources.join(', ');
    own.forEach((v, i) => add(v, 0, i, names));
    STANDARD_VERBS.forEach((v, i) => add(v, 1, i));
    SPECIAL_VERBS.forEach((v, i) => add(v, 2, i, 'special verb'));
  }
  add('*', 3, 0);
  return out;
}

function apiGroups(c: Cursor, text: string, api: ApiIndex, resources: string[]): Candidate[] {
  const taken = new Set(c.siblings);
  const wanted = new Set(resources.flatMap((r) => api.find(splitResource(r).base).map((i) => i.group)));
  const out: Candidate[] = [];
  api.groups().forEach((g, i) => {
    if (taken.has(g)) return;
    const names = api.resourcesIn([g]).map((r) => r.plural);
    const shown = names.slice(0, 6).join(', ') + (names.length > 6 ? ', …' : '');
    const tier = wanted.has(g) ? 0 : g === '' ? 1 : api.isLegacy(g) ? 3 : 2;
    const detail = g === '' ? `core group: ${shown}` : api.isLegacy(g) ? `legacy group: ${shown}` : shown;
    out.push(valueCandidate(c, text, g, { kind: 'group', tier, rank: i, detail, description: g === '' ? 'core' : undefined }));
  });
  if (!taken.has('*')) out.push(valueCandidate(c, text, '*', { kind: 'group', tier: 4, detail: 'every API group, present and future' }));
  return out;
}

function resourceNamesOf(c: Cursor, text: string, api: ApiIndex, groups: string[], rule: YNode | undefined): Candidate[] {
  const taken = new Set(c.siblings);
  const any = groups.length === 0 || groups.includes('*');
  const out: Candidate[] = [];
  const infos = api.resourcesIn(any ? ['*'] : groups).filter((i) => !i.removed || groups.includes(i.group));
  infos.sort((a, b) => (a.plural < b.plural ? -1 : a.plural > b.plural ? 1 : 0));
  infos.forEach((info, rank) => {
    const description = info.group === '' ? 'core' : info.group;
    const more = groups.length === 0 ? fillGroup(text, rule, info.group) : [];
    const verbs = [...info.verbs].join(', ');
    const push = (name: string, tier: number, detail: string) => {
      if (!taken.has(name)) out.push(valueCandidate(c, text, name, { kind: 'resource', tier, rank, detail, description, more }));
    };
    push(info.plural, 0, `${info.aliases[1] ?? info.plural}${verbs ? ` · ${verbs}` : ''}`);
    for (const [sub, v] of info.subresources) push(`${info.plural}/${sub}`, 1, `subresource · ${[...v].join(', ')}`);
  });
  if (!taken.has('*')) {
    out.push(valueCandidate(c, text, '*', { kind: 'resource', tier: 2, detail: 'every resource of the groups, and every subresource' }));
  }
  return out;
}

/** The edit that puts `group` in a rule whose apiGroups is missing or empty. */
function fillGroup(text: string, rule: YNode | undefined, group: string): TextEdit[] {
  if (rule?.type !== 'map' || rule.entries.length === 0) return [];
  const list = `[${JSON.stringify(group)}]`;
  const entry = rule.entries.find((e) => e.key === 'apiGroups');
  if (!entry) {
    const at = rule.entries[0].keySpan.start;
    if (text[rule.span.start] === '{') return [{ span: { start: at, end: at }, text: `apiGroups: ${list}, ` }];
    const col = at - (text.lastIndexOf('\n', at - 1) + 1);
    return [{ span: { start: at, end: at }, text: `apiGroups: ${list}\n${' '.repeat(col)}` }];
  }
  const v = entry.value;
  if (v.type === 'seq' && v.items.length === 0 && v.span.end > v.span.start) return [{ span: v.span, text: list }];
  if (v.type === 'scalar' && v.value === null) {
    const colon = text.indexOf(':', entry.keySpan.end);
    if (colon >= 0) return [{ span: { start: colon + 1, end: colon + 1 }, text: ` ${list}` }];
  }
  return [];
}

function objectNames(
  c: Cursor,
  text: string,
  ws: Workspace,
  api: ApiIndex,
  groups: string[],
  resources: string[],
  kind: string,
): Candidate[] {
  const known = knownNames(ws);
  const namespace = kind === 'Role' ? textAt(c.object, ['metadata', 'namespace']) || 'default' : undefined;
  const taken = new Set(c.siblings);
  const out: Candidate[] = [];
  for (const r of new Set(resources.map((x) => splitResource(x).base))) {
    if (r === '*') continue;
    for (const info of infosFor(api, groups, r)) {
      for (const o of known.objects.get(`${info.group}/${info.plural}`) ?? []) {
        if ((namespace && o.namespace && o.namespace !== namespace) || taken.has(o.name) || out.some((x) => x.label === o.name)) continue;
        const where = o.origin === 'default-policy' ? 'default policy' : (o.file?.split(/[\\/]/).pop() ?? '');
        const description = o.namespace ? `${o.kind} in ${o.namespace}` : o.kind;
        out.push(valueCandidate(c, text, o.name, { kind: 'name', tier: o.origin === 'workspace' ? 0 : 1, detail: where, description }));
      }
    }
  }
  return out;
}

function urls(c: Cursor, text: string, ws: Workspace): Candidate[] {
  const known = knownNames(ws);
  const taken = new Set(c.siblings);
  const fromPolicy = new Set(known.urls);
  return [...new Set([...COMMON_URLS, ...known.urls])]
    .filter((u) => !taken.has(u))
    .map((u, i) =>
      valueCandidate(c, text, u, {
        kind: 'url',
        tier: u === '*' ? 1 : 0,
        rank: i,
        detail: u === '*' ? 'every non-resource URL' : fromPolicy.has(u) ? 'granted by the default policy' : undefined,
      }),
    );
}
