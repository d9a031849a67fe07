/**
 * The protocol's paths: each endpoint with and without a version, percent-encoded model names,
 * the method each takes (405 with Allow otherwise), and paths that are none of them.
 */
import { describe, expect, it } from 'vitest';
import type { ProtocolError } from '@mlpx/infer/src/serving/protocol-error.js';
import { route } from '@mlpx/infer/src/serving/routes.js';

describe('routes', () => {
  it.each([
    ['GET', '/v2', { kind: 'server-metadata' }],
    ['GET', '/v2/', { kind: 'server-metadata' }],
    ['GET', '/v2/health/live', { kind: 'health', probe: 'live' }],
    ['HEAD', '/v2/health/ready', { kind: 'health', probe: 'ready' }],
    ['GET', '/v2/models/fashion', { kind: 'model', action: 'metadata', model: 'fashion', version: undefined }],
    ['GET', '/v2/models/fashion/versions/2', { kind: 'model', action: 'metadata', model: 'fashion', version: '2' }],
    ['GET', '/v2/models/fashion/versions/2/ready', { kind: 'model', action: 'ready', model: 'fashion', version: '2' }],
    ['POST', '/v2/models/fashion/infer', { kind: 'model', action: 'infer', model: 'fashion', version: undefined }],
    ['POST', '/v2/models/my%20model/versions/1/infer', { kind: 'model', action: 'infer', model: 'my model', version: '1' }],
    ['GET', '/v2/models/fashion/config', { kind: 'model', action: 'config', model: 'fashion', version: undefined }],
    ['GET', '/v2/models/fashion/versions/1/stats', { kind: 'model', action: 'stats', model: 'fashion', version: '1' }],
    ['GET', '/v2/models/stats', { kind: 'all-statistics' }],
    ['POST', '/v2/repository/index', { kind: 'repository-index' }],
    ['GET', '/metrics', { kind: 'metrics' }],
  ])('%s %s', (method, path, expected) => {
    expect(route(method, path)).toEqual(expected);
  });

  it('leaves other paths to the caller', () => {
    for (const path of ['/', '/model.onnx', '/v2/models', '/v2/models/a/b', '/v2/models/a/infer/x', '/v2x', '/metrics/x']) {
      expect(route('GET', path), path).toBeUndefined();
    }
  });

  it('refuses a wrong method with 405 and Allow, and a version that is not a number with 400', () => {
    const refusal = (method: string, path: string): ProtocolError => {
      try {
        route(method, path);
      } catch (error) {
        return error as ProtocolError;
      }
      throw new Error(`${method} ${path} was routed`);
    };
    expect(refusal('GET', '/v2/models/m/infer')).toMatchObject({
      status: 405,
      headers: { allow: 'POST' },
      message: 'GET is not allowed on /v2/models/m/infer: use POST',
    });
    expect(refusal('DELETE', '/v2')).toMatchObject({ status: 405, headers: { allow: 'GET, HEAD' } });
    expect(refusal('GET', '/v2/repository/index')).toMatchObject({ status: 405, headers: { allow: 'POST' } });
    expect(refusal('GET', '/v2/models/m/versions/one')).toMatchObject({
      status: 400,
      message: "the model version in the path must be a whole number > 0, got 'one'",
    });
    expect(refusal('GET', '/v2/models/%E0%A4%A')).toMatchObject({ status: 400, message: 'the model name in the path is not valid percent-encoding: %E0%A4%A' });
  });
});
