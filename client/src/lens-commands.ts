// The commands behind the server's code lenses: show a role's references, a subject's effective
// permissions (kubectl's `can-i --list` table), and `can-i` for one request: offline, or when
// connected to a cluster the live access matrix of the subject.
import * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import type { Location, Position } from 'vscode-languageserver-protocol';
import {
  canIRequest,
  effectivePermissionsRequest,
  liveEffectivePermissionsRequest,
  type AccessSubject,
  type EffectivePermissionsResult,
} from '../../server/src/protocol';

export interface AccessArgs {
  subject: AccessSubject;
  namespace: string;
}

/** The live cluster, when the extension has one: "Check Access As…" opens its access matrix. */
export interface LiveAccess {
  connected(): boolean;
  namespace(): string | undefined;
  open(a: AccessArgs): void;
}

const VERBS = ['get', 'list', 'watch', 'create', 'update', 'patch', 'delete', 'deletecollection', 'bind', 'escalate', 'impersonate', '*'];
/** Common request targets; `sub` marks a subresource. Anything else can be typed (kubectl's TYPE[/NAME]). */
const TARGETS: Array<{ label: string; resource: string; sub?: string }> = [
  ...['pods', 'secrets', 'configmaps', 'services', 'serviceaccounts', 'deployments.apps', 'statefulsets.apps', 'daemonsets.apps'].map(
    (r) => ({ label: r, resource: r }),
  ),
  ...[
    'jobs.batch',
    'cronjobs.batch',
    'roles.rbac.authorization.k8s.io',
    'rolebindings.rbac.authorization.k8s.io',
    'nodes',
    'namespaces',
  ].map((r) => ({ label: r, resource: r })),
  ...['exec', 'log', 'portforward', 'attach'].map((sub) => ({ label: `pods/${sub}`, resource: 'pods', sub })),
  { label: 'serviceaccounts/token', resource: 'serviceaccounts', sub: 'token' },
];

export function registerLensCommands(client: LanguageClient, live?: LiveAccess): vscode.Disposable[] {
  return [
    vscode.commands.registerCommand('kubeid.showReferences', async (uri: string, position: Position, locations: Location[]) => {
      const p2c = client.protocol2CodeConverter;
      const locs = locations.map((l) => p2c.asLocation(l));
      await vscode.commands.executeCommand('editor.action.showReferences', p2c.asUri(uri), p2c.asPosition(position), locs);
    }),
    vscode.commands.registerCommand('kubeid.effectivePermissions', async (args?: AccessArgs) => {
      const a = args ?? (await askIdentity());
      if (!a) return;
      const r = await client.sendRequest(effectivePermissionsRequest, a);
      const text = (x: EffectivePermissionsResult, where: string) =>
        `# Effective permissions of ${x.identity} in namespace ${x.namespace}, ${where}\n# ${x.command}\n${x.warnings.map((w) => `# Warning: ${w}\n`).join('')}\n${x.table}`;
      let content = text(r, r.basis ?? 'offline (the workspace manifests)');
      if (live?.connected()) {
        // The cluster's own answer next to the workspace's: a refusal (no impersonate permission) is shown, not thrown.
        const cluster = await client.sendRequest(liveEffectivePermissionsRequest, a).then(
          (x) => text(x, 'as the cluster answers'),
          (e: Error) => `# As the cluster answers: ${e.message.replace(/\n/g, '\n# ')}\n`,
        );
        content = `${content}\n${cluster}`;
      }
      await vscode.window.showTextDocument(await vscode.workspace.openTextDocument({ content, language: 'plaintext' }), { preview: true });
    }),
    vscode.commands.registerCommand('kubeid.checkAccess', async (args?: AccessArgs) => {
      if (live?.connected()) {
        const target = args ?? (await askIdentity(live.namespace()));
        if (target) live.open(target);
        return;
      }
      const a = args ?? (await askIdentity());
      const verb = a && (await vscode.window.showQuickPick(VERBS, { title: `Check access as ${a.subject.name}: verb` }));
      const target = a && verb && (await pickTarget(`Check access as ${a.subject.name}: ${verb} what?`));
      if (!a || !verb || !target) return;
      const r = await client.sendRequest(canIRequest, { ...a, verb, resource: target.resource, subresource: target.sub });
      const message = `${r.allowed ? 'yes' : 'no'}: ${r.command} — ${r.reason}${r.warnings.map((w) => ` (${w})`).join('')}`;
      await vscode.window.showInformationMessage(message);
    }),
  ];
}

/** A quick pick of common targets that also takes a typed TYPE[/NAME]. */
function pickTarget(title: string): Promise<{ resource: string; sub?: string } | undefined> {
  return new Promise((resolve) => {
    const qp = vscode.window.createQuickPick<vscode.QuickPickItem & { resource: string; sub?: string }>();
    const items = TARGETS.map((t) => ({ ...t, description: t.sub ? 'subresource' : undefined }));
    qp.title = title;
    qp.placeholder = 'a resource (TYPE[/NAME], as kubectl reads it) or /non-resource-url';
    qp.items = items;
    qp.onDidChangeValue((v) => {
      const typed = v.trim();
      qp.items = typed && !items.some((i) => i.label === typed) ? [{ label: typed, resource: typed }, ...items] : items;
    });
    qp.onDidAccept(() => {
      const [picked] = qp.selectedItems;
      resolve(picked && { resource: picked.resource, sub: picked.sub });
      qp.hide();
    });
    qp.onDidHide(() => {
      resolve(undefined);
      qp.dispose();
    });
    qp.show();
  });
}

/** From the command palette: a user, group or service account, its name, and a namespace. */
export async function askIdentity(defaultNamespace = 'default'): Promise<AccessArgs | undefined> {
  const kinds = [
    { label: 'User', subjectKind: 'User' as const, detail: 'a username, or system:serviceaccount:NAMESPACE:NAME' },
    { label: 'Group', subjectKind: 'Group' as const, detail: 'asked as a member of the group' },
    { label: 'ServiceAccount', subjectKind: 'ServiceAccount' as const, detail: 'NAMESPACE/NAME, or NAME in the namespace asked next' },
  ];
  const kind = (await vscode.window.showQuickPick(kinds, { title: 'kubeid: check access as' }))?.subjectKind;
  const name = kind && (await vscode.window.showInputBox({ title: `kubeid: ${kind} name`, ignoreFocusOut: true }))?.trim();
  if (!kind || !name) return undefined;
  const namespace = (await vscode.window.showInputBox({ title: 'kubeid: namespace', value: defaultNamespace }))?.trim();
  if (!namespace) return undefined;
  const sa = kind === 'User' ? /^system:serviceaccount:([^:]+):([^:]+)$/.exec(name) : undefined;
  if (sa) return { subject: { kind: 'ServiceAccount', namespace: sa[1], name: sa[2] }, namespace };
  if (kind === 'ServiceAccount') {
    const [ns, n] = name.includes('/') ? name.split('/', 2) : [namespace, name];
    return { subject: { kind, namespace: ns, name: n }, namespace };
  }
  return { subject: { kind, name }, namespace };
}
