// What the CLI commands that ask a live cluster share: --kubeconfig / --context flags, connecting,
// the catalogue from discovery, the identity of --as, and messages for refused impersonation.
import { bool, list, str, type FlagSpec, type ParsedArgs, UsageError } from './args';
import type { Io } from './common';
import { KubeClusterSource } from '../cluster/adapter';
import { buildRequest } from '../core/request';
import { Catalogue } from '../core/catalogue/catalogue';
import { isClusterError, type ReviewSubject } from '../core/cluster/source';
import { impersonatedUser, type ImpersonationRequest } from '../core/rbac/identity';
import type { UserInfo } from '../core/rbac/types';

export const CLUSTER_FLAGS: FlagSpec[] = [
  { name: 'kubeconfig', type: 'string' },
  { name: 'context', type: 'string' },
  { name: 'request-timeout', type: 'string' },
];

export async function connect(a: ParsedArgs): Promise<KubeClusterSource> {
  const t = str(a, 'request-timeout');
  const seconds = t === undefined ? undefined : /^\d+(\.\d+)?s?$/.test(t) ? parseFloat(t) : NaN;
  if (Number.isNaN(seconds) || seconds === 0) throw new UsageError(`invalid --request-timeout "${t}": give seconds, e.g. 30s`);
  return KubeClusterSource.connect({
    kubeconfig: str(a, 'kubeconfig'),
    context: str(a, 'context'),
    ...(seconds ? { timeoutMs: seconds * 1000 } : {}),
  });
}

/** The cluster's API resources (CRDs and aggregated APIs included); the built-in catalogue if discovery fails. */
export async function clusterCatalogue(src: KubeClusterSource, io: Io): Promise<Catalogue> {
  try {
    const d = await src.discover();
    for (const p of d.problems) io.err(`Warning: discovery: ${p}\n`);
    if (d.resources.length) return new Catalogue(d.resources);
    io.err('Warning: discovery returned no resources; using the built-in catalogue of Kubernetes v1.37\n');
  } catch (e) {
    if (!isClusterError(e) || e.code === 'unauthorized' || e.code === 'unreachable') throw e;
    io.err(`Warning: ${e.message}; using the built-in catalogue of Kubernetes v1.37\n`);
  }
  return Catalogue.builtin();
}

/** --as / --as-group / --as-uid as the impersonation kubectl would send; undefined without --as. */
export function impersonation(a: ParsedArgs): ImpersonationRequest | undefined {
  const user = str(a, 'as');
  const groups = list(a, 'as-group');
  const uid = str(a, 'as-uid');
  if (!user) {
    if (groups.length || uid)
      throw new UsageError('--as-group and --as-uid require --as: the API server refuses them without a user to impersonate');
    return undefined;
  }
  return { user, ...(groups.length ? { groups } : {}), ...(uid ? { uid } : {}) };
}

/** Who a review asks about: the caller, the --as identity by impersonation, or (with --use-sar) as a SubjectAccessReview's subject. */
export function reviewSubject(as: ImpersonationRequest | undefined, useSar: boolean): ReviewSubject {
  if (!as) {
    if (useSar) throw new UsageError('--use-sar needs --as: a SubjectAccessReview names the identity it asks about');
    return { kind: 'self' };
  }
  return useSar ? { kind: 'subject', user: impersonatedUser(as) } : { kind: 'impersonate', as };
}

/** The identity the server evaluates: the impersonated one as the API server builds it, or the caller's from SelfSubjectReview. */
export async function evaluatedUser(src: KubeClusterSource, as: ImpersonationRequest | undefined): Promise<UserInfo> {
  return as ? impersonatedUser(as) : (await src.whoami()).user;
}

/** VERB TARGET as buildRequest reads it offline; without -n, the context's namespace. */
export function liveRequest(a: ParsedArgs, catalogue: Catalogue, src: KubeClusterSource, io: Io) {
  const [verb, target] = a.positionals;
  const built = buildRequest(
    {
      verb,
      target,
      subresource: str(a, 'subresource'),
      namespace: str(a, 'namespace'),
      defaultNamespace: src.config.namespace,
      allNamespaces: bool(a, 'all-namespaces'),
    },
    catalogue,
  );
  for (const w of built.warnings) io.err(`Warning: ${w}\n`);
  return built;
}
