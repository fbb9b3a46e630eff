// Who restores a forgotten stream: the claims are read highest lastId first, and on a tie a
// simulator comes before an edge. An edge that copied everything ties with the leader it copied;
// seen first, it made a lagging would-be leader fork a new epoch (every client reset) instead of
// deferring to the simulator that could restore the same history (chaos: 5 of 7 FLUSHALL runs).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { claimOrder, type Claim } from '../../cluster/restore-claims.ts';

const claim = (nodeId: string, lastId: number, role: string): Claim => ({ nodeId, lastId, role, epoch: '00000000000000aa', at: 0 });

test('highest lastId first, whatever the role', () => {
  const sorted = [claim('s', 90, 'simulator'), claim('e', 120, 'edge'), claim('t', 100, 'simulator')].sort(claimOrder);
  assert.equal(sorted.map((c) => c.nodeId), ['e', 't', 's']);
});

test('on a tie a simulator comes first, in either order of reading', () => {
  for (const claims of [
    [claim('edge', 500, 'edge'), claim('leader', 500, 'simulator')],
    [claim('leader', 500, 'simulator'), claim('edge', 500, 'edge')],
  ]) {
    assert.equal(claims.sort(claimOrder)[0].nodeId, 'leader');
  }
});

test.run();
