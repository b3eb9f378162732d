import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { closest, didYouMean, levenshtein } from '../../src/scenario/did-you-mean.js';

describe('did-you-mean', () => {
  it('counts edits', () => {
    assert.equal(levenshtein('conections', 'connections'), 1);
    assert.equal(levenshtein('kitten', 'sitting'), 3);
    assert.equal(levenshtein('', 'abc'), 3);
  });

  it('suggests the closest candidate, ignoring case', () => {
    assert.equal(closest('Pipelinig', ['connections', 'pipelining']), 'pipelining');
    assert.equal(didYouMean('conections', ['connections', 'client']), 'did you mean "connections"?');
  });

  it('suggests nothing when no candidate is close', () => {
    assert.equal(didYouMean('zz', ['undici', 'node-http', 'fetch']), undefined);
  });
});
