// Every check, in the order of the README table.
import { admissionWrite } from './admission-write';
import { allAuthenticatedSubject } from './all-authenticated-subject';
import { allServiceAccountsSubject } from './all-service-accounts-subject';
import { anonymousSubject } from './anonymous-subject';
import { bindsClusterAdmin } from './binds-cluster-admin';
import { clusterAdminEquivalent } from './cluster-admin-equivalent';
import { csrApprove } from './csr-approve';
import { defaultServiceAccountBound } from './default-service-account-bound';
import { ephemeralContainers } from './ephemeral-containers';
import { impersonate } from './impersonate';
import { namespaceWrite } from './namespace-write';
import { nodeWrite } from './node-write';
import { nodesProxy } from './nodes-proxy';
import { persistentVolumeCreate } from './persistent-volume-create';
import { podExec } from './pod-exec';
import { podPortForward } from './pod-port-forward';
import { rbacBind } from './rbac-bind';
import { rbacEscalate } from './rbac-escalate';
import { rbacWrite } from './rbac-write';
import { secretsRead } from './secrets-read';
import { secretsWrite } from './secrets-write';
import { tokenRequest } from './token-request';
import { wildcardApiGroups } from './wildcard-api-groups';
import { wildcardNonResourceUrls } from './wildcard-non-resource-urls';
import { wildcardResources } from './wildcard-resources';
import { wildcardVerbs } from './wildcard-verbs';
import { workloadCreate } from './workload-create';
import { automountUnneeded } from './automount-unneeded';
import type { Check } from './check';
import { defaultServiceAccountUsed } from './default-service-account-used';
import { drift } from './drift';
import { invalidAggregationRule } from './invalid-aggregation-rule';
import { invalidName } from './invalid-name';
import { invalidRoleRef } from './invalid-role-ref';
import { invalidRule } from './invalid-rule';
import { invalidSubject } from './invalid-subject';
import { missingRole } from './missing-role';
import { missingServiceAccount } from './missing-service-account';
import { unknownApiGroup } from './unknown-api-group';
import { unknownResource } from './unknown-resource';
import { unknownSubresource } from './unknown-subresource';
import { unknownVerb } from './unknown-verb';
import { wrongApiGroup } from './wrong-api-group';

/** API-server validation (spec §10). */
export const VALIDATION_CHECKS: readonly Check[] = [invalidRoleRef, invalidSubject, invalidRule, invalidAggregationRule, invalidName];
/** References to roles and service accounts that do not exist. */
export const REFERENCE_CHECKS: readonly Check[] = [missingRole, missingServiceAccount];
/** The workspace compared with the connected cluster. */
export const CLUSTER_CHECKS: readonly Check[] = [drift];
/** Names checked against the API catalogue (built-in resources and the workspace's CRDs). */
export const CATALOGUE_CHECKS: readonly Check[] = [unknownVerb, unknownResource, wrongApiGroup, unknownApiGroup, unknownSubresource];

/** Service accounts of workloads and their tokens. */
export const WORKLOAD_CHECKS: readonly Check[] = [defaultServiceAccountUsed, automountUnneeded];

/** Least privilege: risky grants of the workspace's roles, evaluated with the engine's matchers. */
export const PRIVILEGE_CHECKS: readonly Check[] = [
  wildcardVerbs,
  wildcardResources,
  wildcardApiGroups,
  wildcardNonResourceUrls,
  clusterAdminEquivalent,
  bindsClusterAdmin,
  secretsRead,
  secretsWrite,
  workloadCreate,
  podExec,
  podPortForward,
  ephemeralContainers,
  rbacEscalate,
  rbacBind,
  rbacWrite,
  impersonate,
  nodesProxy,
  nodeWrite,
  tokenRequest,
  csrApprove,
  admissionWrite,
  persistentVolumeCreate,
  namespaceWrite,
];
/** Binding subjects that stand for many or unintended identities. */
export const SUBJECT_CHECKS: readonly Check[] = [
  anonymousSubject,
  allAuthenticatedSubject,
  allServiceAccountsSubject,
  defaultServiceAccountBound,
];

export const ALL_CHECKS: readonly Check[] = [
  ...VALIDATION_CHECKS,
  ...REFERENCE_CHECKS,
  ...CATALOGUE_CHECKS,
  ...PRIVILEGE_CHECKS,
  ...SUBJECT_CHECKS,
  ...WORKLOAD_CHECKS,
  ...CLUSTER_CHECKS,
];

export type { Check, CheckContext, ClusterRefs, Finding, Related, Severity } from './check';
export { contextFor } from './check';
export { runChecks, type CheckSettings } from './run';
