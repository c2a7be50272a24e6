// Approving a CertificateSigningRequest takes two permissions: update on
// certificatesigningrequests/approval, and approve on signers named by the CSR's signerName (or
// "<domain>/*"). A ClusterRole holding both, in one rule or two, can approve.
import { probes, probeGrant, reachOf, reachRelated, reachText, roleSites, describeRole, fullAccess, severityOf } from './grants';
import type { SiteRule, RoleSite } from './grants';
import type { Check, CheckContext, Finding, Related } from './check';
import { spanAt, type Path } from './locate';

const ID = 'csr-approve';
const CERTS = 'certificates.k8s.io';
const APPROVAL = probes(['update'], 'cluster', CERTS, 'certificatesigningrequests/approval');
const SIGNERS = probes(['approve'], 'cluster', CERTS, 'signers');
/** Signers whose certificates authenticate to the API server as any user or group. */
const CLIENT_SIGNERS = ['kubernetes.io/kube-apiserver-client', 'kubernetes.io/*'];

export const csrApprove: Check = {
  id: ID,
  severity: 'error',
  summary: 'update on certificatesigningrequests/approval and approve on signers: issue client certificates, system:masters included',
  run(ctx: CheckContext): Finding[] {
    return roleSites(ctx).flatMap((site) => (site.role.kind === 'ClusterRole' && !site.holdsAll ? roleFinding(ctx, site) : []));
  },
};

function roleFinding(ctx: CheckContext, site: RoleSite): Finding[] {
  const live = site.rules.filter((r) => !fullAccess(r.rule) && !r.rule.nonResourceURLs?.length);
  const approval = live.find((r) => probeGrant(r.rule, APPROVAL, 'ClusterRole', 'resources'));
  const signer = live.flatMap((r) => {
    const g = probeGrant(r.rule, SIGNERS, 'ClusterRole', 'resources');
    return g ? [{ r, g }] : [];
  })[0];
  if (!approval || !signer) return [];
  const names = signer.g.names;
  const restricted = names !== undefined && !names.some((n) => CLIENT_SIGNERS.includes(n));
  const reach = reachOf(ctx, site.role, ['cluster']);
  const signers = names ? `the signers ${names.map((n) => JSON.stringify(n)).join(', ')}` : 'any signer';
  const message =
    `${describeRole(site.role)} ${site.aggregated ? 'aggregates' : 'grants'} update on certificatesigningrequests/approval and approve on ${signers}. ` +
    'It can approve certificate signing requests' +
    (restricted
      ? ' for these signers. '
      : ': with the kubernetes.io/kube-apiserver-client signer, a client certificate for any user or group, system:masters included. ') +
    `${reachText(reach, site.role)} Restrict approve with resourceNames to the signers this approver handles, never kubernetes.io/kube-apiserver-client.`;
  const related: Related[] = [];
  if (approval !== signer.r) related.push(...ruleRelated(site, approval, 'update on certificatesigningrequests/approval'));
  if (signer.r.from?.related) related.push(signer.r.from.related);
  related.push(...reachRelated(ctx, reach));
  const f: Finding = {
    check: ID,
    severity: severityOf('error', reach, restricted),
    message,
    file: site.manifest.file,
    span: spanAt(site.manifest.node, pathOf(signer.r)),
  };
  if (related.length) f.related = related;
  return [f];
}

const pathOf = (r: SiteRule): Path => (r.view ? ['rules', r.view.index] : (r.from?.selector ?? ['aggregationRule']));

function ruleRelated(site: RoleSite, r: SiteRule, message: string): Related[] {
  if (r.view) return [{ file: site.manifest.file, span: spanAt(site.manifest.node, ['rules', r.view.index]), message }];
  return r.from?.related ? [r.from.related] : [];
}
