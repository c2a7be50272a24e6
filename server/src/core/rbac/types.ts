// The RBAC objects of rbac.authorization.k8s.io/v1, as the engine sees them (after the API
// server's defaults, spec §1). Plain data: no positions here; `source` says where an object came from.

export const RBAC_GROUP = 'rbac.authorization.k8s.io';

/** Where an object came from: a workspace file, the default cluster policy, or a live cluster. */
export type Origin = 'workspace' | 'default-policy' | 'cluster';

export interface SourceRef {
  origin: Origin;
  /** File path (workspace / default policy), absent for cluster objects. */
  file?: string;
  /** Offsets of the object in the file text. */
  start?: number;
  end?: number;
}

export interface ObjectMeta {
  name: string;
  namespace?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
}

export interface PolicyRule {
  verbs: string[];
  apiGroups?: string[];
  resources?: string[];
  resourceNames?: string[];
  nonResourceURLs?: string[];
}

export interface LabelSelectorRequirement {
  key: string;
  operator: string; // In | NotIn | Exists | DoesNotExist (anything else matches nothing)
  values?: string[];
}

export interface LabelSelector {
  matchLabels?: Record<string, string>;
  matchExpressions?: LabelSelectorRequirement[];
}

export interface AggregationRule {
  clusterRoleSelectors: LabelSelector[];
}

export interface Subject {
  kind: string;
  apiGroup?: string;
  name: string;
  namespace?: string;
}

export interface RoleRef {
  apiGroup: string;
  kind: string;
  name: string;
}

export interface Role {
  kind: 'Role';
  metadata: ObjectMeta;
  rules: PolicyRule[];
  source?: SourceRef;
}

export interface ClusterRole {
  kind: 'ClusterRole';
  metadata: ObjectMeta;
  rules: PolicyRule[];
  aggregationRule?: AggregationRule | null;
  source?: SourceRef;
}

export interface RoleBinding {
  kind: 'RoleBinding';
  metadata: ObjectMeta;
  subjects: Subject[];
  roleRef: RoleRef;
  source?: SourceRef;
}

export interface ClusterRoleBinding {
  kind: 'ClusterRoleBinding';
  metadata: ObjectMeta;
  subjects: Subject[];
  roleRef: RoleRef;
  source?: SourceRef;
}

export interface ServiceAccount {
  kind: 'ServiceAccount';
  metadata: ObjectMeta;
  automountServiceAccountToken?: boolean;
  source?: SourceRef;
}

export type RbacObject = Role | ClusterRole | RoleBinding | ClusterRoleBinding | ServiceAccount;

/** Everything the engine evaluates. Arrays keep input (lister) order. */
export interface Policy {
  roles: Role[];
  clusterRoles: ClusterRole[];
  roleBindings: RoleBinding[];
  clusterRoleBindings: ClusterRoleBinding[];
  serviceAccounts: ServiceAccount[];
}

/** An authenticated identity (user.Info). */
export interface UserInfo {
  name: string;
  uid?: string;
  groups: string[];
  extra?: Record<string, string[]>;
}

/** authorizer.Attributes (spec §2). */
export type RequestAttributes = ResourceAttributes | NonResourceAttributes;

export interface ResourceAttributes {
  resourceRequest: true;
  verb: string;
  namespace: string; // "" = cluster scope or all namespaces
  apiGroup: string; // "" = core
  resource: string;
  subresource: string;
  name: string;
}

export interface NonResourceAttributes {
  resourceRequest: false;
  verb: string;
  path: string;
}
