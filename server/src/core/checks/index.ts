// Every check, in the order of the README table.
import type { Check } from './check';
import { invalidAggregationRule } from './invalid-aggregation-rule';
import { invalidName } from './invalid-name';
import { invalidRoleRef } from './invalid-role-ref';
import { invalidRule } from './invalid-rule';
import { invalidSubject } from './invalid-subject';
import { unknownApiGroup } from './unknown-api-group';
import { unknownResource } from './unknown-resource';
import { unknownSubresource } from './unknown-subresource';
import { unknownVerb } from './unknown-verb';
import { wrongApiGroup } from './wrong-api-group';

/** API-server validation (spec §10). */
export const VALIDATION_CHECKS: readonly Check[] = [invalidRoleRef, invalidSubject, invalidRule, invalidAggregationRule, invalidName];
/** Names checked against the API catalogue (built-in resources and the workspace's CRDs). */
export const CATALOGUE_CHECKS: readonly Check[] = [unknownVerb, unknownResource, wrongApiGroup, unknownApiGroup, unknownSubresource];

export const ALL_CHECKS: readonly Check[] = [...VALIDATION_CHECKS, ...CATALOGUE_CHECKS];

export type { Check, CheckContext, Finding, Related, Severity } from './check';
export { contextFor } from './check';
export { runChecks, type CheckSettings } from './run';
