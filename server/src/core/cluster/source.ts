// How kubeid reaches a cluster: the ClusterSource interface, implemented by the adapter over
// @kubernetes/client-node (server/src/cluster) and by test fakes. Plain data in and out.
import type { ApiResource } from '../catalogue/catalogue';
import type { ImpersonationRequest } from '../rbac/identity';
import type { RequestAttributes, UserInfo } from '../rbac/types';

/** A resource to list or watch. */
export interface ResourceRef {
  group: string;
  version: string;
  /** Plural, as in the URL. */
  resource: string;
  kind: string;
  namespaced: boolean;
}

export interface ListPage {
  /** Items with apiVersion and kind set (a typed list's items come without them). */
  items: Record<string, unknown>[];
  resourceVersion: string;
  /** The continue token of the next page; absent on the last page. */
  continue?: string;
}

export interface WatchEvent {
  type: 'ADDED' | 'MODIFIED' | 'DELETED' | 'BOOKMARK';
  object: Record<string, unknown>;
}

export interface Discovery {
  resources: ApiResource[];
  /** Groups that could not be read (an aggregated API that is down, a 403 …), one line each. */
  problems: string[];
}

/** Who a review asks about: the caller, an impersonated identity (SelfSubjectAccessReview), or a SubjectAccessReview's subject. */
export type ReviewSubject = { kind: 'self' } | { kind: 'impersonate'; as: ImpersonationRequest } | { kind: 'subject'; user: UserInfo };

export interface AccessReviewResult {
  allowed: boolean;
  /** An authorizer denied explicitly (a webhook or the Node authorizer; RBAC never denies). */
  denied: boolean;
  reason: string;
  evaluationError: string;
}

export interface RulesReviewResult {
  resourceRules: Array<{ verbs: string[]; apiGroups?: string[]; resources?: string[]; resourceNames?: string[] }>;
  nonResourceRules: Array<{ verbs: string[]; nonResourceURLs?: string[] }>;
  incomplete: boolean;
  evaluationError: string;
}

export interface WhoAmI {
  user: UserInfo;
  /** The API that answered, e.g. "authentication.k8s.io/v1 SelfSubjectReview". */
  via: string;
}

export interface ClusterSource {
  /** One page of a list (limit/continue). */
  list(ref: ResourceRef, opts: { limit?: number; continue?: string; signal?: AbortSignal }): Promise<ListPage>;
  /** Events after `resourceVersion`; throws ClusterError 'gone' when the server answers 410. Ends when the server closes the watch. */
  watch(ref: ResourceRef, resourceVersion: string, signal?: AbortSignal): AsyncIterable<WatchEvent>;
  discover(signal?: AbortSignal): Promise<Discovery>;
  /** One access review; impersonation headers go on this request only. */
  accessReview(subject: ReviewSubject, attrs: RequestAttributes, signal?: AbortSignal): Promise<AccessReviewResult>;
  rulesReview(subject: ReviewSubject, namespace: string, signal?: AbortSignal): Promise<RulesReviewResult>;
  whoami(signal?: AbortSignal): Promise<WhoAmI>;
}

export type ClusterErrorCode =
  | 'unauthorized' // 401: the credentials were refused
  | 'forbidden' // 403
  | 'not-found' // 404
  | 'gone' // 410: the resource version is too old (watch / continue token expired)
  | 'server' // 5xx or an unreadable answer
  | 'timeout'
  | 'unreachable' // connection refused, reset, DNS, TLS
  | 'aborted'
  | 'config'; // the kubeconfig cannot be used

/** A failed cluster request. The message is for people and carries no credential. */
export class ClusterError extends Error {
  constructor(
    readonly code: ClusterErrorCode,
    message: string,
    readonly status?: number,
    /** The Status object's details (e.g. the kind and name an impersonation was refused for). */
    readonly details?: { kind?: string; name?: string; group?: string },
  ) {
    super(message);
  }
}

export function isClusterError(e: unknown, code?: ClusterErrorCode): e is ClusterError {
  return e instanceof ClusterError && (code === undefined || e.code === code);
}
