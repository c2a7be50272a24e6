// The commands behind the server's code lenses: show a role's references, a subject's effective
// permissions (kubectl's `can-i --list` table), and an offline `can-i` for one request.
import * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import type { Location, Position } from 'vscode-languageserver-protocol';
import { canIRequest, effectivePermissionsRequest, type AccessSubject } from '../../server/src/protocol';

interface AccessArgs {
  subject: AccessSubject;
  namespace: string;
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

export function registerLensCommands(client: LanguageClient): vscode.Disposable[] {
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
      const warnings = r.warnings.map((w) => `# Warning: ${w}\n`).join('');
      const content = `# Effective permissions of ${r.identity} in namespace ${r.namespace}, offline\n# ${r.command}\n${warnings}\n${r.table}`;
      await vscode.window.showTextDocument(await vscode.workspace.openTextDocument({ content, language: 'plaintext' }), { preview: true });
    }),
    vscode.commands.registerCommand('kubeid.checkAccess', async (args?: AccessArgs) => {
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

/** From the command palette: a username (or system:serviceaccount:NS:NAME) and a namespace. */
async function askIdentity(): Promise<AccessArgs | undefined> {
  const user = await vscode.window.showInputBox({ title: 'kubeid: user (or system:serviceaccount:NAMESPACE:NAME)' });
  if (!user) return undefined;
  const namespace = (await vscode.window.showInputBox({ title: 'kubeid: namespace', value: 'default' })) ?? 'default';
  const sa = /^system:serviceaccount:([^:]+):([^:]+)$/.exec(user);
  return { subject: sa ? { kind: 'ServiceAccount', namespace: sa[1], name: sa[2] } : { kind: 'User', name: user }, namespace };
}
