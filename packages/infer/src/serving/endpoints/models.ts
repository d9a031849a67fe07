/**
 * The endpoints about the models served, inference aside: the repository index (POST
 * /v2/repository/index), the statistics of every version (GET /v2/models/stats), and a model's
 * or a version's metadata, readiness, configuration and statistics.
 */
import type { ServerResponse } from 'node:http';
import type { LoadedModels } from '../loaded-models.js';
import type { Replies } from '../replies.js';
import type { Route } from '../routes.js';
import { statisticsBody } from '../statistics.js';

export type RepositoryRoute = Extract<Route, { kind: 'repository-index' | 'all-statistics' }>;
/** A model route other than inference (its action is metadata, ready, config or stats). */
export type ModelRoute = Extract<Route, { kind: 'model' }>;

export interface RepositoryEndpoints {
  readonly replies: Replies;
  readonly models: LoadedModels;
  /** The repository index's body (metadata.ts's repositoryIndex). */
  readonly index: string;
}

export interface ModelEndpoints {
  readonly replies: Replies;
  readonly models: LoadedModels;
  /** Whether the server is shutting down (a model is not ready then). */
  readonly closing: boolean;
}

export function answerRepository(target: RepositoryRoute, response: ServerResponse, { replies, models, index }: RepositoryEndpoints): void {
  if (target.kind === 'repository-index') return replies.send(response, 200, index);
  return replies.send(response, 200, statisticsBody(models.versions().map((v) => v.statistics)));
}

/** Throws a 404 ProtocolError for a model or version that is not served. */
export function answerModel(target: ModelRoute, response: ServerResponse, { replies, models, closing }: ModelEndpoints): void {
  const { model, version } = models.find(target.model, target.version);
  if (target.action === 'ready') return replies.send(response, 200, JSON.stringify({ name: model.served.name, ready: !closing }));
  if (target.action === 'config') return replies.send(response, 200, version.config);
  if (target.action === 'stats') {
    const versions = target.version === undefined ? [...model.versions.values()] : [version];
    return replies.send(response, 200, statisticsBody(versions.map((v) => v.statistics)));
  }
  return replies.send(response, 200, target.version === undefined ? version.metadata : version.versionedMetadata);
}
