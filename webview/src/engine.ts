// The RBAC engine inside the webview, over the policy the graph's nodes carry: the same evaluator the CLI
// and the language server use answers "who can …" and effective permissions, with or without a host.
// Built on first use, so opening a large graph does not pay for it.
import { effectivePermissions, type AccessSubject, type PermissionsTable } from '../../server/src/core/access';
import { Catalogue } from '../../server/src/core/catalogue/catalogue';
import type { GraphData, GraphNode, QueryResult } from '../../server/src/core/graph/protocol';
import { queryPaths } from '../../server/src/core/graph/query';
import { evaluatorOfGraph } from '../../server/src/core/graph/policy';
import type { RbacEvaluator } from '../../server/src/core/rbac/evaluator';

export class Engine {
  private evaluator: RbacEvaluator | undefined;

  constructor(private readonly data: GraphData) {}

  private get rbac(): RbacEvaluator {
    return (this.evaluator ??= evaluatorOfGraph(this.data.nodes));
  }

  query(text: string): QueryResult {
    return queryPaths(this.rbac, Catalogue.builtin(), text);
  }

  /** `kubectl auth can-i --list` of a subject node in a namespace ("" = cluster-wide rules only). */
  permissions(node: GraphNode, namespace: string): PermissionsTable | undefined {
    if (node.kind !== 'User' && node.kind !== 'Group' && node.kind !== 'ServiceAccount') return undefined;
    const subject: AccessSubject = { kind: node.kind, name: node.name, ...(node.namespace ? { namespace: node.namespace } : {}) };
    return effectivePermissions({ evaluator: this.rbac }, subject, namespace);
  }
}
