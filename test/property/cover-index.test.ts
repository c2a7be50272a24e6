// CoverIndex, the Covers the audit compares many rule sets with, answers exactly as covers(), also when made of parts.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { CoverIndex, covers } from '../../server/src/core/rbac/covers';
import { params, rule } from './arbitraries';

test('CoverIndex.holds equals covers().covered on any owner and servant rules', () => {
  fc.assert(
    fc.property(fc.array(rule, { maxLength: 5 }), fc.array(rule, { maxLength: 4 }), (owner, servant) => {
      assert.equal(new CoverIndex(owner).holds(new CoverIndex(servant)), covers(owner, servant).covered);
    }),
    params(5101, 3000),
  );
});

test('a CoverIndex of parts holds what their rules together hold', () => {
  fc.assert(
    fc.property(fc.array(rule, { maxLength: 3 }), fc.array(rule, { maxLength: 3 }), fc.array(rule, { maxLength: 4 }), (a, b, servant) => {
      const parts = new CoverIndex([], [new CoverIndex(a), new CoverIndex(b)]);
      assert.equal(parts.holds(new CoverIndex(servant)), covers([...a, ...b], servant).covered);
    }),
    params(5102, 2000),
  );
});
