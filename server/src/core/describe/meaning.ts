// What a verb or a resource of a rule means: the verb's effect, and the resource's kind, group,
// scope, verbs and subresources from the API catalogue.
import type { Catalogue } from '../catalogue/catalogue';
import { ApiIndex, FINALIZERS } from '../checks/api';
import { splitResource } from '../checks/rule-scope';
import { ownVerbs, verbMeaning } from './verbs';

const code = (s: string): string => (s === '' ? '`""`' : `\`${s}\``);
const groupWords = (g: string): string => (g === '' ? 'the core group `""`' : `group ${code(g)}`);

export function verbHover(verb: string, groups: string[], resources: string[], nonResource: boolean, catalogue: Catalogue): string {
  const meaning = verbMeaning(verb, nonResource);
  const lines = [
    meaning ? `**${verb}**: ${meaning}` : `**${verb}**: not a Kubernetes verb kubeid knows; RBAC compares verbs exactly (case-sensitive).`,
  ];
  if (!nonResource && resources.length && verb !== '*') {
    const api = ApiIndex.of(catalogue);
    const own = ownVerbs(api, groups, resources);
    const serving = resources.filter((r) => ownVerbs(api, groups, [r]).includes(verb));
    if (serving.length) lines.push(`\nServed by ${serving.map(code).join(', ')} in this rule.`);
    else if (own.length)
      lines.push(`\nNot a verb of ${resources.map(code).join(', ')} (they serve ${own.join(', ')}): it grants nothing here.`);
  }
  return lines.join('\n');
}

export function resourceHover(value: string, groups: string[], catalogue: Catalogue): string {
  const { base, sub } = splitResource(value);
  if (base === '*') {
    return sub === undefined
      ? "**`*`**: every resource of the rule's groups, and every subresource of them (`pods/exec`, `nodes/proxy`, …)."
      : `**\`*/${sub}\`**: the \`${sub}\` subresource of every resource of the rule's groups.`;
  }
  const api = ApiIndex.of(catalogue);
  const any = groups.length === 0 || groups.includes('*');
  const infos = api.find(base).filter((i) => any || groups.includes(i.group));
  if (!infos.length) {
    const elsewhere = api.find(base).map((i) => groupWords(i.group));
    return `**${value}**: no such resource ${any ? 'in any known group' : `in ${groups.map(groupWords).join(', ')}`}${elsewhere.length ? ` (it is in ${elsewhere.join(', ')})` : ''}.`;
  }
  return infos
    .map((info) => {
      const r = catalogue.get(info.group, info.plural);
      if (sub !== undefined) {
        const verbs = sub === FINALIZERS ? ['update'] : [...(info.subresources.get(sub) ?? [])];
        if (!verbs.length && !info.anySubresource)
          return `**${value}**: \`${info.plural}\` has no subresource \`${sub}\` in ${groupWords(info.group)}.`;
        return `**${value}**: subresource \`${sub}\` of \`${info.plural}\` (${groupWords(info.group)}); verbs: ${verbs.join(', ') || 'any'}.`;
      }
      const head = r
        ? `**${info.plural}**: kind \`${r.kind}\`, ${groupWords(info.group)} (\`${r.group ? `${r.group}/` : ''}${r.preferredVersion}\`), ${r.namespaced ? 'namespaced' : 'cluster-scoped'}`
        : `**${info.plural}**: ${groupWords(info.group)}, checked by authorizers only (no stored objects)`;
      const lines = [head + (info.removed ? ` — ${info.removed}` : '')];
      if (info.verbs.size) lines.push(`- verbs: ${[...info.verbs].join(', ')}`);
      if (info.subresources.size) lines.push(`- subresources: ${[...info.subresources.keys()].join(', ')}`);
      if (r?.shortNames.length) lines.push(`- short names: ${r.shortNames.join(', ')}`);
      return lines.join('\n');
    })
    .join('\n\n');
}
