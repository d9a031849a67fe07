/**
 * The part of TensorFlow's protobuf schema a recorded training step is written in: a SavedModel
 * holding one MetaGraphDef (tag "serve") whose GraphDef has Placeholder, Const and the recorded
 * kernels as NodeDefs, and no variables (tensorflow/core/protobuf/saved_model.proto,
 * meta_graph.proto; tensorflow/core/framework/graph.proto, node_def.proto, attr_value.proto,
 * tensor.proto, tensor_shape.proto, versions.proto; field numbers as there). Compiled at load
 * time by protobufjs. DataType enums are written as their numbers (TF_DataType's values).
 */
import protobuf from 'protobufjs';

const TENSORFLOW_PROTO = `
syntax = "proto3";
package tensorflow;

message TensorShapeProto {
  message Dim { int64 size = 1; string name = 2; }
  repeated Dim dim = 2;
  bool unknown_rank = 3;
}

message TensorProto {
  int32 dtype = 1;
  TensorShapeProto tensor_shape = 2;
  int32 version_number = 3;
  bytes tensor_content = 4;
}

message AttrValue {
  message ListValue {
    repeated bytes s = 2;
    repeated int64 i = 3;
    repeated float f = 4;
    repeated bool b = 5;
    repeated int32 type = 6;
    repeated TensorShapeProto shape = 7;
  }
  oneof value {
    bytes s = 2;
    int64 i = 3;
    float f = 4;
    bool b = 5;
    int32 type = 6;
    TensorShapeProto shape = 7;
    TensorProto tensor = 8;
    ListValue list = 1;
  }
}

message NodeDef {
  string name = 1;
  string op = 2;
  repeated string input = 3;
  string device = 4;
  map<string, AttrValue> attr = 5;
}

message VersionDef {
  int32 producer = 1;
  int32 min_consumer = 2;
}

message GraphDef {
  repeated NodeDef node = 1;
  VersionDef versions = 4;
}

message MetaGraphDef {
  message MetaInfoDef {
    string meta_graph_version = 1;
    repeated string tags = 4;
  }
  MetaInfoDef meta_info_def = 1;
  GraphDef graph_def = 2;
}

message SavedModel {
  int64 saved_model_schema_version = 1;
  repeated MetaGraphDef meta_graphs = 2;
}
`;

export interface TensorShapeProto {
  dim: { size: number }[];
}

export interface AttrValue {
  s?: Uint8Array;
  i?: number;
  f?: number;
  b?: boolean;
  type?: number;
  shape?: TensorShapeProto;
  tensor?: { dtype: number; tensor_shape: TensorShapeProto; tensor_content: Uint8Array };
  list?: { s?: Uint8Array[]; i?: number[]; f?: number[]; b?: boolean[]; type?: number[]; shape?: TensorShapeProto[] };
}

export interface NodeDef {
  name: string;
  op: string;
  input?: string[];
  attr?: Record<string, AttrValue>;
}

/**
 * The graph version written: TensorFlow 2.15's GRAPH_DEF_VERSION, the oldest TensorFlow mlpx
 * supports, so that no supported TensorFlow sees a producer newer than itself.
 */
const GRAPH_PRODUCER_VERSION = 1645;

/** The tag the graph is saved and loaded under. */
export const SAVED_MODEL_TAG = 'serve';

let savedModelType: protobuf.Type | undefined;

/** saved_model.pb's bytes for a graph of these nodes. */
export function encodeSavedModel(nodes: readonly NodeDef[]): Uint8Array {
  savedModelType ??= protobuf.parse(TENSORFLOW_PROTO, { keepCase: true }).root.lookupType('tensorflow.SavedModel');
  const message = savedModelType.fromObject({
    saved_model_schema_version: 1,
    meta_graphs: [{ meta_info_def: { tags: [SAVED_MODEL_TAG] }, graph_def: { node: nodes, versions: { producer: GRAPH_PRODUCER_VERSION, min_consumer: 0 } } }],
  });
  return savedModelType.encode(message).finish();
}
